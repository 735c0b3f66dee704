import type { Kysely } from 'kysely';
import type { PermissionKey } from '../engine/catalogue.js';
import type { Executor } from '../store/database.js';
import type { Database } from '../store/schema.js';
import type { Dialer } from '../telephony/outbound.js';
import type { RecordingStorage } from '../telephony/recording-storage.js';
import type { Secrets } from '../telephony/secrets.js';
import type { AppScope } from '../telephony/tokens.js';
import { readUserSettings } from '../telephony/user-settings.js';
import { userNumberOf, userNumbersOf } from '../telephony/user-numbers.js';
import { WEBHOOK_SCOPES, type WebhookScope } from '../telephony/webhooks.js';
import { runBatch } from './batch.js';
import { EXTERNALCALL_METHODS } from './externalcall.js';
import type { Caller } from './caller.js';
import { badArgument } from './errors.js';
import { type Params, isFlagSet, scalarText } from './params.js';
import { getStatistic } from './statistic.js';
import { VOXIMPLANT_METHODS } from './voximplant.js';

/** What a method runs with. */
export interface MethodContext {
  /** The database, not a transaction: a method's writes run in their use case's own. */
  readonly db: Kysely<Database>;
  /** Places the outbound calls a method asks for once they are allowed. */
  readonly dialer: Dialer;
  readonly caller: Caller;
  readonly params: Params;
  readonly secrets: Secrets;
  readonly signedUrlTtlSeconds: number;
  /** Where recordings go, and how large one may be (telephony.externalcall.attachRecord). */
  readonly recordings: { readonly storage: RecordingStorage; readonly maxBytes: number };
  readonly now: number;
  /** The service's address as the client reached it, for links. */
  readonly baseUrl: string;
  /**
   * Runs a read that a read replica may serve (call lists), on the replica when it has
   * caught up with this user's writes, else on the primary (store/read-replica.ts).
   */
  readonly read: <T>(read: (db: Executor) => Promise<T>) => Promise<T>;
  /** Runs another method as the same caller (batch). */
  readonly call: (method: string, params: Params) => Promise<MethodAnswer>;
}

/** A method's answer: Bitrix24's `result`, and for lists `total` and `next`. */
export interface MethodAnswer {
  readonly result: unknown;
  readonly total?: number;
  readonly next?: number;
}

/**
 * One method of the Bitrix24 surface and what guards it: the webhook scope that opens it
 * (`call` counts as `telephony`; null: every webhook), the application scope a token needs
 * (null: every token), and the permission the user must hold above `none` before it runs —
 * or, where the method decides per target or needs none, the reason.
 */
export type MethodSpec = {
  readonly webhookScope: WebhookScope | null;
  readonly appScope: AppScope | null;
  readonly run: (context: MethodContext) => Promise<MethodAnswer>;
} & (
  { readonly permission: PermissionKey } | { readonly permission: null; readonly reason: string }
);

const nameParts = (name: string): { first: string; last: string } => {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return { first, last: rest.join(' ') };
};

/** The scopes a caller holds, in Bitrix24's names. */
function heldScopes(caller: Caller): string[] {
  if (caller.via === 'webhook') return [...caller.scopes];
  return caller.scopes.has('telephony') ? ['telephony', 'call', 'user'] : [];
}

/** Whether a method's scopes let this caller in (the permission is checked apart). */
export function scopeAllows(spec: MethodSpec, caller: Caller): boolean {
  if (caller.via === 'token') return spec.appScope === null || caller.scopes.has(spec.appScope);
  if (spec.webhookScope === null) return true;
  if (spec.webhookScope === 'telephony')
    return caller.scopes.has('telephony') || caller.scopes.has('call');
  return caller.scopes.has(spec.webhookScope);
}

/** USER_ID of voximplant.user.get: one user number or several. */
function userNumbersParam(value: unknown): number[] {
  const list = Array.isArray(value)
    ? (value as unknown[])
    : typeof value === 'object' && value !== null
      ? Object.values(value)
      : value === undefined
        ? []
        : [value];
  if (list.length === 0 || list.length > 50) throw badArgument('USER_ID: give 1 to 50 user ids');
  return list.map((item) => {
    const text = scalarText(item);
    if (text === undefined || !/^\d{1,15}$/.test(text))
      throw badArgument('USER_ID: user ids are numbers');
    return Number(text);
  });
}

/**
 * Every method the Bitrix24 surface serves, with what guards it (STYLE rule 5: the guard is
 * data, so a test enumerates it and proves no method is unguarded). A name not here answers
 * ERROR_METHOD_NOT_FOUND. Names are compared in lower case, as Bitrix24 does.
 */
export const METHODS: Readonly<Record<string, MethodSpec>> = {
  'user.current': {
    webhookScope: null,
    appScope: null,
    permission: null,
    reason: 'every user may read their own profile',
    async run({ caller, db }) {
      const user = caller.state.directory.users.find((u) => u.id === caller.userId);
      const number =
        caller.via === 'webhook'
          ? caller.userNumber
          : await userNumberOf(db, caller.accountId, caller.userId);
      const { first, last } = nameParts(user?.name ?? '');
      return {
        result: {
          ID: String(number ?? ''),
          XML_ID: caller.userId,
          ACTIVE: user?.active ?? false,
          NAME: first,
          LAST_NAME: last,
          EMAIL: user?.email ?? '',
          WORK_PHONE: user?.phones.work ?? '',
          PERSONAL_MOBILE: user?.phones.mobile ?? '',
          UF_PHONE_INNER: user?.phones.extension ?? '',
          IS_ADMIN: user?.admin ?? false,
        },
      };
    },
  },
  scope: {
    webhookScope: null,
    appScope: null,
    permission: null,
    reason: 'lists the caller’s own scopes, or with full=true every scope there is',
    run({ caller, params }) {
      return Promise.resolve({
        result: isFlagSet(params.full) ? [...WEBHOOK_SCOPES] : heldScopes(caller),
      });
    },
  },
  methods: {
    webhookScope: null,
    appScope: null,
    permission: null,
    reason: 'lists the methods the caller’s scopes open, or with full=true every method',
    run({ caller, params }) {
      const scope = scalarText(params.scope);
      const names = Object.entries(METHODS)
        .filter(([, spec]) => isFlagSet(params.full) || scopeAllows(spec, caller))
        .filter(([, spec]) => scope === undefined || spec.webhookScope === scope)
        .map(([name]) => name);
      return Promise.resolve({ result: names });
    },
  },
  'app.info': {
    webhookScope: null,
    appScope: null,
    permission: null,
    reason: 'describes the calling application and the account’s plan, nothing of anyone else',
    run({ caller }) {
      const { account } = caller.state;
      return Promise.resolve({
        result: {
          ID: caller.appId,
          CODE: caller.appId,
          VERSION: 1,
          STATUS: caller.appId === null ? 'L' : 'F',
          INSTALLED: true,
          PAYMENT_EXPIRED: 'N',
          DAYS: null,
          LICENSE: `${account.defaultCountry.toLowerCase()}_${account.plan}`,
          LICENSE_TYPE: account.plan,
          LICENSE_FAMILY: account.plan,
          SCOPE: heldScopes(caller),
        },
      });
    },
  },
  'voximplant.statistic.get': {
    webhookScope: 'telephony',
    appScope: 'telephony',
    permission: 'callStats.view',
    run: getStatistic,
  },
  'voximplant.user.get': {
    webhookScope: 'telephony',
    appScope: 'telephony',
    permission: null,
    reason:
      'a user may read their own settings; others only where userSettings.modify reaches them, decided per user',
    async run({ db, caller, params, secrets }) {
      const wanted = userNumbersParam(params.user_id);
      const { byNumber } = await userNumbersOf(db, caller.accountId);
      const result = [];
      for (const number of wanted) {
        const userId = byNumber.get(number);
        if (userId === undefined) continue;
        try {
          const settings = await readUserSettings(
            db,
            { accountId: caller.accountId, policy: caller.state.policy },
            caller.userId,
            userId,
            secrets,
          );
          result.push({
            ID: String(number),
            DEFAULT_LINE: settings.callerIdNumber ?? '',
            PHONE_ENABLED: settings.device === null ? 'N' : 'Y',
            SIP_SERVER: '',
            SIP_LOGIN: settings.sipLogin ?? '',
            // Only to those who may modify this user (SPEC §12): absent otherwise.
            ...(settings.sipSecret !== undefined && { SIP_PASSWORD: settings.sipSecret ?? '' }),
          });
        } catch (error) {
          // A user out of reach is left out, as if absent (SPEC §10).
          if ((error as { code?: unknown }).code !== 'not_found') throw error;
        }
      }
      return { result };
    },
  },
  batch: {
    webhookScope: null,
    appScope: null,
    permission: null,
    reason: 'runs other methods as the same caller, each guarded by its own entry here',
    run: runBatch,
  },
  ...VOXIMPLANT_METHODS,
  ...EXTERNALCALL_METHODS,
};

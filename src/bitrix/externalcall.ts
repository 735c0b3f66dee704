import type { CrmClientType } from '../engine/policy.js';
import {
  EXTERNAL_CALL_TYPES,
  type ExternalCallType,
  type ExternalCaller,
  FINISH_STATUS_CODES,
  type FinishStatusCode,
  attachExternalRecording,
  finishExternalCall,
  registerExternalCall,
  searchCrmClients,
  setExternalCallDisplay,
} from '../telephony/external-calls.js';
import {
  type ExternalLine,
  addAppLine,
  deleteAppLine,
  listAppLines,
  updateAppLine,
} from '../telephony/external-lines.js';
import { userNumberOf, userNumbersOf } from '../telephony/user-numbers.js';
import type { Caller } from './caller.js';
import { badArgument } from './errors.js';
import type { MethodContext, MethodSpec } from './methods.js';
import { type Params, isFlagSet, scalarText } from './params.js';

/**
 * `telephony.externalcall.*` and `telephony.externalLine.*` (SPEC §12): a thin adapter
 * that reads Bitrix24's parameters, runs the use cases of telephony/external-calls.ts and
 * telephony/external-lines.ts (which say who may act on what), and answers in Bitrix24's
 * field names.
 */

/**
 * The application a caller is, for "only calls registered by the same application" and
 * "per application" lines: an application's tokens, whichever user they act for, are one
 * application; each incoming webhook is an application of its own (Bitrix24 treats a
 * webhook as a local application); a user's own token is that user's own.
 *
 * @example applicationOf(caller) // 'app:crm-connector' for any token of that application
 */
export function applicationOf(caller: Caller): string {
  if (caller.via === 'webhook') return `webhook:${caller.webhookId}`;
  return caller.appId === null ? `user:${caller.userId}` : `app:${caller.appId}`;
}

function externalCaller(caller: Caller): ExternalCaller {
  return {
    accountId: caller.accountId,
    userId: caller.userId,
    appKey: applicationOf(caller),
    appId: caller.appId,
    // The ingest scope (API.md `POST /api/v1/calls`): only an application token has it.
    actsForOthers: caller.via === 'token' && caller.scopes.has('calls.write'),
    state: caller.state,
  };
}

const text = (params: Params, key: string): string | undefined => {
  const value = scalarText(params[key]);
  return value === undefined || value === '' ? undefined : value;
};

const required = (params: Params, key: string): string => {
  const value = text(params, key);
  if (value === undefined) throw badArgument(`${key.toUpperCase()} is required`);
  return value;
};

function integer(params: Params, key: string, min: number, max: number): number | undefined {
  const value = text(params, key);
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value.trim()) || Number(value) < min || Number(value) > max)
    throw badArgument(`${key.toUpperCase()}: a whole number from ${min} to ${max}`);
  return Number(value);
}

/** USER_ID (a user number) or USER_PHONE_INNER (an extension): the user a call is for. */
async function userParam({ db, caller, params }: MethodContext): Promise<string> {
  const number = integer(params, 'user_id', 1, Number.MAX_SAFE_INTEGER);
  if (number !== undefined) {
    const userId = (await userNumbersOf(db, caller.accountId)).byNumber.get(number);
    if (userId === undefined) throw badArgument('User is not found or is not active');
    return userId;
  }
  const inner = text(params, 'user_phone_inner');
  if (inner === undefined) throw badArgument('USER_ID or USER_PHONE_INNER should be set');
  const userId = caller.state.policy.phoneBook.extensions.get(inner.trim());
  if (userId === undefined) throw badArgument('User is not found or is not active');
  return userId;
}

/** USER_ID of show/hide: one user number or several. */
async function usersParam({ db, caller, params }: MethodContext): Promise<string[]> {
  const raw = params.user_id;
  const list: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === 'object' && raw !== null
      ? Object.values(raw)
      : raw === undefined
        ? []
        : [raw];
  if (list.length === 0 || list.length > 50) throw badArgument('USER_ID: give 1 to 50 user ids');
  const { byNumber } = await userNumbersOf(db, caller.accountId);
  return list.map((item) => {
    const value = scalarText(item);
    const userId =
      value !== undefined && /^\d{1,15}$/.test(value) ? byNumber.get(Number(value)) : undefined;
    if (userId === undefined) throw badArgument('USER_ID: User is not found or is not active');
    return userId;
  });
}

const CRM_TYPES: Readonly<Record<string, CrmClientType>> = {
  CONTACT: 'contact',
  COMPANY: 'company',
  LEAD: 'lead',
};

function crmParam(params: Params): { type: CrmClientType; id: string } | undefined {
  const type = text(params, 'crm_entity_type');
  const id = text(params, 'crm_entity_id');
  if (type === undefined && id === undefined) return undefined;
  const crmType = type === undefined ? undefined : CRM_TYPES[type.toUpperCase()];
  if (crmType === undefined || id === undefined)
    throw badArgument('CRM_ENTITY_TYPE (CONTACT, COMPANY or LEAD) and CRM_ENTITY_ID go together');
  return { type: crmType, id };
}

const crmFields = (crm: { type: string; id: string } | null) => ({
  CRM_ENTITY_TYPE: crm === null ? null : crm.type.toUpperCase(),
  CRM_ENTITY_ID: crm?.id ?? null,
});

const lineAnswer = (line: ExternalLine) => ({
  ID: line.id,
  NUMBER: line.number,
  NAME: line.name,
  CRM_AUTO_CREATE: line.crmAutoCreate ? 'Y' : 'N',
});

/** Bitrix24's default for a flag the call leaves out. */
const flag = (params: Params, key: string, otherwise: boolean): boolean =>
  text(params, key) === undefined ? otherwise : isFlagSet(params[key]);

const ONLY_OWN_CALLS =
  'acts only on calls the same application registered (another’s is not found), for the caller or, with calls.write, for anyone';

const TELEPHONY = { webhookScope: 'telephony', appScope: 'telephony' } as const;

/** `show` and `hide`: the display state of one of the application's own calls. */
const displayMethod = (shown: boolean): MethodSpec => ({
  ...TELEPHONY,
  permission: null,
  reason: `${ONLY_OWN_CALLS}; Callgate has no call card: it records the display state`,
  async run(context) {
    const callId = required(context.params, 'call_id');
    const users = await usersParam(context);
    await setExternalCallDisplay(context.db, externalCaller(context.caller), callId, users, shown);
    return { result: true };
  },
});

/** The methods, in Bitrix24's names (lower case), for METHODS to take in. */
export const EXTERNALCALL_METHODS: Readonly<Record<string, MethodSpec>> = {
  'telephony.externalcall.register': {
    ...TELEPHONY,
    permission: null,
    reason:
      'an outbound call is decided per number and line by outboundCall.perform (SPEC §5); registering for another user needs calls.write',
    async run(context) {
      const { db, caller, params, now } = context;
      const typeText = required(params, 'type');
      const type = Number(typeText) as ExternalCallType;
      if (!/^[1-5]$/.test(typeText.trim()) || !EXTERNAL_CALL_TYPES.includes(type))
        throw badArgument('Unknown TYPE');
      const startedAt = text(params, 'call_start_date');
      const lineNumber = text(params, 'line_number');
      const externalCallId = text(params, 'external_call_id');
      const crm = crmParam(params);
      const userId = await userParam(context);
      const phoneNumber = required(params, 'phone_number');
      if (phoneNumber.length > 40) throw badArgument('Unsupported phone number format');
      const call = await registerExternalCall(
        db,
        externalCaller(caller),
        {
          userId,
          type,
          phoneNumber,
          ...(startedAt !== undefined && { startedAt }),
          ...(lineNumber !== undefined && { lineNumber: lineNumber.slice(0, 40) }),
          ...(externalCallId !== undefined && { externalCallId: externalCallId.slice(0, 255) }),
          ...(crm !== undefined && { crm }),
          show: flag(params, 'show', true),
        },
        now,
      );
      const creates = isFlagSet(params.crm_create);
      return {
        result: {
          CALL_ID: call.callId,
          // Callgate keeps no CRM of its own (SPEC §6): it never creates a lead.
          CRM_CREATED_LEAD: null,
          CRM_CREATED_ENTITIES: [],
          ...crmFields(call.crm),
          ...(creates &&
            call.crm === null && {
              LEAD_CREATION_ERROR: 'Callgate does not create CRM entries',
            }),
        },
      };
    },
  },
  'telephony.externalcall.finish': {
    ...TELEPHONY,
    permission: null,
    reason: ONLY_OWN_CALLS,
    async run(context) {
      const { db, caller, params, now } = context;
      const callId = required(params, 'call_id');
      const durationSec = integer(params, 'duration', 0, 7 * 24 * 3600) ?? 0;
      const costText = text(params, 'cost');
      const cost = costText === undefined ? null : Number(costText);
      if (cost !== null && !(Number.isFinite(cost) && cost >= 0 && cost <= 1e9))
        throw badArgument('COST: a number from 0');
      const currency = text(params, 'cost_currency')?.toUpperCase() ?? null;
      if (currency !== null && !/^[A-Z]{3}$/.test(currency))
        throw badArgument('COST_CURRENCY: a three-letter currency code');
      const statusText = text(params, 'status_code')?.toUpperCase();
      if (
        statusText !== undefined &&
        !(FINISH_STATUS_CODES as readonly string[]).includes(statusText)
      )
        throw badArgument(`STATUS_CODE: one of ${FINISH_STATUS_CODES.join(', ')}`);
      const vote = integer(params, 'vote', 0, 5) ?? 0;
      const failedReason = (text(params, 'failed_reason') ?? '').slice(0, 255);
      const userId = await userParam(context);
      const external = externalCaller(caller);
      const finished = await db.transaction().execute((trx) =>
        finishExternalCall(
          trx,
          external,
          {
            callId,
            userId,
            durationSec,
            cost,
            currency,
            ...(statusText !== undefined && { statusCode: statusText as FinishStatusCode }),
            failedReason,
            vote: vote === 0 ? null : vote,
          },
          now,
        ),
      );
      const { call } = finished;
      return {
        result: {
          ID: finished.seq,
          CALL_ID: call.callId,
          EXTERNAL_CALL_ID: call.externalCallId,
          PORTAL_USER_ID: (await userNumberOf(db, caller.accountId, call.userId)) ?? null,
          PHONE_NUMBER: call.phoneNumber,
          PORTAL_NUMBER: call.lineNumber ?? '',
          INCOMING: String(call.type),
          CALL_DURATION: finished.durationSec,
          CALL_START_DATE: new Date(call.startedAt).toISOString(),
          CALL_STATUS: finished.statusCode === '200' ? 1 : 0,
          CALL_VOTE: call.vote ?? 0,
          COST: finished.cost ?? 0,
          COST_CURRENCY: finished.currency ?? '',
          CALL_FAILED_CODE: finished.statusCode,
          CALL_FAILED_REASON: call.failedReason ?? '',
          REST_APP_ID: caller.appId,
          ...crmFields(call.crm),
          // Callgate fetches nothing from a URL a caller gives (a server-side request to
          // any address): the recording comes through attachRecord's FILE_CONTENT.
          ...(text(params, 'record_url') !== undefined && {
            ERRORS: ['RECORD_URL is not fetched: send the file with attachRecord FILE_CONTENT'],
          }),
        },
      };
    },
  },
  'telephony.externalcall.attachrecord': {
    ...TELEPHONY,
    permission: null,
    reason: `${ONLY_OWN_CALLS}; replacing a recording needs recording.delete, as every upload does`,
    async run({ db, caller, params, now, recordings }) {
      const callId = required(params, 'call_id');
      const content = text(params, 'file_content');
      if (content === undefined) {
        // Neither a later upload URL nor a server-side fetch of RECORD_URL: see finish.
        throw badArgument(
          'FILE_CONTENT is required: Callgate takes the recording in the call itself (Base64), and fetches no RECORD_URL',
        );
      }
      const fileName = required(params, 'filename');
      if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content))
        throw badArgument('File content is not properly encoded. Base64 encoding is expected.');
      const bytes = Buffer.from(content, 'base64');
      if (bytes.length === 0) throw badArgument('File content is empty.');
      const fileId = await attachExternalRecording(
        db,
        recordings.storage,
        externalCaller(caller),
        { callId, fileName, content: bytes },
        recordings.maxBytes,
        now,
      );
      return { result: { FILE_ID: fileId } };
    },
  },
  'telephony.externalcall.show': displayMethod(true),
  'telephony.externalcall.hide': displayMethod(false),
  'telephony.externalcall.searchcrmentities': {
    ...TELEPHONY,
    permission: null,
    reason: 'answers only the CRM clients the caller’s CRM read scope reaches (SPEC §6)',
    async run({ db, caller, params }) {
      const phoneNumber = required(params, 'phone_number');
      if (phoneNumber.length > 40) throw badArgument('Unsupported phone number format');
      const found = searchCrmClients(caller.state, caller.userId, phoneNumber);
      const { byUser } = await userNumbersOf(db, caller.accountId);
      const extensions = new Map(
        caller.state.directory.users.map((u) => [u.id, u.phones.extension ?? '']),
      );
      return {
        result: found.map((client) => {
          const owner = client.responsibleUserId;
          const number = owner === null ? null : (byUser.get(owner) ?? null);
          return {
            CRM_ENTITY_TYPE: client.type.toUpperCase(),
            CRM_ENTITY_ID: client.id,
            NAME: client.name,
            ASSIGNED_BY_ID: number,
            ASSIGNED_BY:
              owner === null ? null : { ID: number, USER_PHONE_INNER: extensions.get(owner) ?? '' },
          };
        }),
      };
    },
  },
  'telephony.externalline.add': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params, now }) {
      const number = required(params, 'number');
      const name = text(params, 'name');
      const line = await db.transaction().execute((trx) =>
        addAppLine(
          trx,
          caller.accountId,
          applicationOf(caller),
          {
            number,
            ...(name !== undefined && { name }),
            crmAutoCreate: flag(params, 'crm_auto_create', true),
          },
          now,
        ),
      );
      return { result: { ID: line.id } };
    },
  },
  'telephony.externalline.update': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params }) {
      const number = required(params, 'number');
      const name = text(params, 'name');
      const line = await db.transaction().execute((trx) =>
        updateAppLine(trx, caller.accountId, applicationOf(caller), number, {
          ...(name !== undefined && { name }),
          ...(text(params, 'crm_auto_create') !== undefined && {
            crmAutoCreate: isFlagSet(params.crm_auto_create),
          }),
        }),
      );
      return { result: { ID: line.id } };
    },
  },
  'telephony.externalline.delete': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params }) {
      const number = required(params, 'number');
      await deleteAppLine(db, caller.accountId, applicationOf(caller), number);
      return { result: null };
    },
  },
  'telephony.externalline.get': {
    ...TELEPHONY,
    permission: null,
    reason: 'lists only the calling application’s own lines, nothing of anyone else',
    async run({ db, caller }) {
      const lines = await listAppLines(db, caller.accountId, applicationOf(caller));
      return { result: lines.map(lineAnswer) };
    },
  },
};

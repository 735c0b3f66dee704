import { notFound } from '../errors.js';
import type { Actor } from '../store/audit.js';
import { listLines, readDefaultLine, setDefaultLine } from '../telephony/outgoing-line.js';
import { placeOutboundCall } from '../telephony/place-call.js';
import {
  NOT_REGISTERED,
  type SipConnectionView,
  addSipConnection,
  changeSipConnection,
  listAccountSipConnections,
  removeSipConnection,
  sipRegistration,
} from '../telephony/sip-connections.js';
import { setPhoneEnabled } from '../telephony/user-phone.js';
import { userNumbersOf } from '../telephony/user-numbers.js';
import type { Caller } from './caller.js';
import { badArgument } from './errors.js';
import type { MethodAnswer, MethodContext, MethodSpec } from './methods.js';
import { type Params, scalarText, upperKeys, valuesOf } from './params.js';
import { PAGE_SIZE, readStart } from './statistic.js';

/**
 * The `voximplant.*` methods beyond statistics and user.get (SPEC §12): users' phones,
 * lines, SIP connections, callbacks and info calls. Each parses Bitrix24's parameters, runs
 * a use case of telephony/ and answers in Bitrix24's field names; methods.ts spreads this
 * record into its one guard table.
 */

const actorOf = (caller: Caller): Actor => `user:${caller.userId}`;

/** A parameter that must be text, trimmed; undefined when absent. */
function textParam(params: Params, name: string, max: number): string | undefined {
  const value = params[name.toLowerCase()];
  if (value === undefined || value === null) return undefined;
  const text = scalarText(value);
  if (text === undefined || text.length > max)
    throw badArgument(`${name}: give text of at most ${max} characters`);
  return text.trim();
}

function requiredText(params: Params, name: string, max: number): string {
  const text = textParam(params, name, max);
  if (text === undefined || text === '') throw badArgument(`Parameter ${name} is not set`);
  return text;
}

/** A positive integer id parameter (USER_ID, CONFIG_ID, REG_ID). */
function idParam(params: Params, name: string): number {
  const text = scalarText(params[name.toLowerCase()]);
  if (text === undefined) throw badArgument(`Parameter ${name} is not set`);
  if (!/^\d{1,15}$/.test(text.trim())) throw badArgument(`${name}: an id is a positive integer`);
  return Number(text);
}

/**
 * The user a USER_ID names, by their stable number (SPEC §12). Nobody: 404, as for a user out
 * of reach (SPEC §10), so that the answer does not tell whether a number is someone's.
 */
async function userOfNumber(context: MethodContext): Promise<string> {
  const number = idParam(context.params, 'USER_ID');
  const { byNumber } = await userNumbersOf(context.db, context.caller.accountId);
  const userId = byNumber.get(number);
  if (userId === undefined) throw notFound(`user ${number}`);
  return userId;
}

/** voximplant.user.activatePhone / deactivatePhone: the user's phone on or off. */
const phoneSwitch =
  (enabled: boolean) =>
  async (context: MethodContext): Promise<MethodAnswer> => {
    const { caller } = context;
    const target = await userOfNumber(context);
    await setPhoneEnabled(
      context.db,
      { accountId: caller.accountId, policy: caller.state.policy },
      caller.userId,
      target,
      enabled,
      context.secrets,
      context.now,
    );
    return { result: 1 };
  };

/** A SIP connection in Bitrix24's fields; never the password (see SipConnectionView). */
function sipRow(view: SipConnectionView) {
  return {
    ID: String(view.configId),
    TYPE: view.type,
    CONFIG_ID: String(view.configId),
    ...(view.regId !== null && { REG_ID: String(view.regId) }),
    TITLE: view.title,
    SERVER: view.server,
    LOGIN: view.login,
    // Whether there is one, as the rest of Callgate says it; PASSWORD itself is never sent.
    PASSWORD_SET: view.hasPassword ? 'Y' : 'N',
    REGISTRATION_STATUS_CODE: view.regId === null ? null : '0',
    REGISTRATION_ERROR_MESSAGE: view.regId === null ? null : NOT_REGISTERED,
  };
}
type SipRow = ReturnType<typeof sipRow>;

/** The fields of voximplant.sip.get that FILTER and SORT may name. PASSWORD is not one. */
const SIP_FIELDS = ['ID', 'CONFIG_ID', 'REG_ID', 'TYPE', 'TITLE', 'SERVER', 'LOGIN'] as const;
type SipField = (typeof SIP_FIELDS)[number];
const isSipField = (name: string): name is SipField =>
  (SIP_FIELDS as readonly string[]).includes(name);

/** FILTER of voximplant.sip.get: `=` (the default), `!`/`!=` and `%`, a list meaning any of. */
function sipFilter(filter: unknown): ((row: SipRow) => boolean)[] {
  if (filter !== undefined && filter !== '' && (typeof filter !== 'object' || filter === null))
    throw badArgument('FILTER must be an object of field conditions');
  return upperKeys(filter).map(([key, raw]) => {
    const [, prefix = '', name = ''] = /^(!=|!%|!|=|%)?(.*)$/.exec(key)!;
    if (name === 'PASSWORD')
      throw badArgument('FILTER: PASSWORD cannot be filtered on: the answer would tell it');
    if (!isSipField(name))
      throw badArgument(`FILTER: unknown field ${JSON.stringify(name.slice(0, 64))}`);
    const list = valuesOf(raw);
    const values = list.map((item) => {
      const text = scalarText(item);
      if (text === undefined) throw badArgument(`FILTER ${name}: values are text or numbers`);
      return text.toLowerCase();
    });
    if (values.length === 0 || values.length > 100)
      throw badArgument(`FILTER ${name}: give 1 to 100 values`);
    const negate = prefix.startsWith('!');
    const contains = prefix.endsWith('%');
    return (row: SipRow) => {
      const field = (row[name as keyof SipRow] ?? '').toLowerCase();
      const hit = values.some((value) => (contains ? field.includes(value) : field === value));
      return hit !== negate;
    };
  });
}

function sipOrder(sort: unknown, order: unknown): ((a: SipRow, b: SipRow) => number) | undefined {
  const name = scalarText(sort)?.toUpperCase();
  const direction = scalarText(order)?.toUpperCase() ?? 'ASC';
  if (direction !== 'ASC' && direction !== 'DESC') throw badArgument('ORDER is ASC or DESC');
  if (name === undefined || name === '') return undefined;
  if (!isSipField(name))
    throw badArgument(`SORT: ${JSON.stringify(name.slice(0, 64))} cannot be sorted by`);
  const numeric = name === 'ID' || name === 'CONFIG_ID' || name === 'REG_ID';
  const sign = direction === 'DESC' ? -1 : 1;
  return (a, b) => {
    const x = a[name] ?? '';
    const y = b[name] ?? '';
    return sign * (numeric ? Number(x) - Number(y) : x.localeCompare(y));
  };
}

/** The fields a SIP connection's add or update gives. */
const sipInput = (params: Params) => {
  const input = {
    title: textParam(params, 'TITLE', 200),
    server: textParam(params, 'SERVER', 255),
    login: textParam(params, 'LOGIN', 128),
    // A password is taken as given: spaces may be part of it.
    password: params.password === undefined ? undefined : scalarText(params.password),
  };
  if (params.password !== undefined && input.password === undefined)
    throw badArgument('PASSWORD: give text');
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
};

/** `YYYY-MM-DD HH:MM:SS`, as Bitrix24 writes LAST_UPDATED (here in UTC). */
const bitrixDateTime = (at: number): string =>
  new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');

/**
 * voximplant.callback.start and voximplant.infocall.startwithtext: a call to TO_NUMBER from
 * FROM_LINE, decided for that number and line by SPEC §5 in its order, as
 * `POST /api/v1/calls/outbound` decides (the same use case), so an emergency number is never
 * refused and a number the caller may not dial is refused with its reason. Allowed, the call
 * is placed and recorded. TEXT_TO_PRONOUNCE and VOICE are accepted, not spoken: Callgate
 * decides and records; speech is the PBX's.
 */
const startCall =
  (direction: 'outbound' | 'callback') =>
  async (context: MethodContext): Promise<MethodAnswer> => {
    const { params, caller } = context;
    const to = requiredText(params, 'TO_NUMBER', 40);
    const line = textParam(params, 'FROM_LINE', 64);
    textParam(params, 'TEXT_TO_PRONOUNCE', 10_000);
    textParam(params, 'VOICE', 100);
    const placed = await placeOutboundCall(
      context.db,
      context.dialer,
      caller.state,
      {
        userId: caller.userId,
        to,
        ...(line !== undefined && line !== '' && { line }),
        source: 'bitrix',
        direction,
      },
      context.now,
      caller.appId,
    );
    return { result: { RESULT: true, CALL_ID: placed.callId } };
  };

const TELEPHONY = { webhookScope: 'telephony', appScope: 'telephony' } as const;

export const VOXIMPLANT_METHODS = {
  'voximplant.user.activatephone': {
    ...TELEPHONY,
    permission: 'userSettings.modify',
    run: phoneSwitch(true),
  },
  'voximplant.user.deactivatephone': {
    ...TELEPHONY,
    permission: 'userSettings.modify',
    run: phoneSwitch(false),
  },
  'voximplant.line.get': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller }) {
      const lines = await listLines(db, caller.accountId);
      return { result: Object.fromEntries(lines.map((number) => [number, number])) };
    },
  },
  'voximplant.line.outgoing.get': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller }) {
      return { result: (await readDefaultLine(db, caller.accountId)) ?? '' };
    },
  },
  'voximplant.line.outgoing.set': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params, now }) {
      // A line that is not rented is refused (400), not silently ignored as Bitrix24 does.
      const line = requiredText(params, 'LINE_ID', 32);
      await setDefaultLine(
        db,
        caller.state,
        { actor: actorOf(caller), userId: caller.userId },
        line,
        now,
      );
      return { result: 1 };
    },
  },
  'voximplant.sip.get': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params }) {
      const conditions = sipFilter(params.filter);
      const order = sipOrder(params.sort, params.order);
      const { offset } = readStart(params.start);
      // An account holds a bounded number of connections (MAX_CONNECTIONS): filtered here.
      const rows = (await listAccountSipConnections(db, caller.accountId))
        .map(sipRow)
        .filter((row) => conditions.every((holds) => holds(row)));
      if (order !== undefined) rows.sort(order);
      const total = rows.length;
      return {
        result: rows.slice(offset, offset + PAGE_SIZE),
        total,
        ...(offset + PAGE_SIZE < total && { next: offset + PAGE_SIZE }),
      };
    },
  },
  'voximplant.sip.add': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params, secrets, now }) {
      const type = textParam(params, 'TYPE', 16)?.toLowerCase();
      const view = await addSipConnection(
        db,
        caller.accountId,
        { ...sipInput(params), ...(type !== undefined && { type }) },
        secrets,
        actorOf(caller),
        now,
      );
      return { result: sipRow(view) };
    },
  },
  'voximplant.sip.update': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params, secrets, now }) {
      const configId = idParam(params, 'CONFIG_ID');
      const input = sipInput(params);
      if (Object.keys(input).length === 0)
        throw badArgument('give at least one of TITLE, SERVER, LOGIN, PASSWORD');
      await changeSipConnection(
        db,
        caller.accountId,
        configId,
        input,
        secrets,
        actorOf(caller),
        now,
      );
      return { result: 1 };
    },
  },
  'voximplant.sip.delete': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params, now }) {
      const configId = idParam(params, 'CONFIG_ID');
      await removeSipConnection(db, caller.accountId, configId, actorOf(caller), now);
      return { result: 1 };
    },
  },
  'voximplant.sip.status': {
    ...TELEPHONY,
    permission: 'numbers.manage',
    async run({ db, caller, params }) {
      const state = await sipRegistration(db, caller.accountId, idParam(params, 'REG_ID'));
      return {
        result: {
          REG_ID: state.regId,
          LAST_UPDATED: bitrixDateTime(state.lastUpdated),
          ERROR_MESSAGE: state.message,
          STATUS_CODE: state.statusCode,
          STATUS_RESULT: state.result,
        },
      };
    },
  },
  'voximplant.callback.start': {
    ...TELEPHONY,
    permission: null,
    reason:
      'outboundCall.perform decides for that number and line (SPEC §5), as POST /api/v1/calls/outbound: internal and emergency calls need no level',
    run: startCall('callback'),
  },
  'voximplant.infocall.startwithtext': {
    ...TELEPHONY,
    permission: null,
    reason:
      'outboundCall.perform decides for that number and line (SPEC §5), as POST /api/v1/calls/outbound: internal and emergency calls need no level',
    run: startCall('outbound'),
  },
} as const satisfies Readonly<Record<string, MethodSpec>>;

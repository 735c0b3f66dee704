import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { SCOPE_LEVELS } from '../engine/catalogue.js';
import { lowestScopeReaching } from '../engine/scope.js';
import { normalizePhoneNumber } from '../engine/phone-number.js';
import type { CrmClientRef, Policy } from '../engine/policy.js';
import { isIsoInstant } from '../engine/roles.js';
import { CallgateError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import {
  type CallDirection,
  type CallStatus,
  existingCallIds,
  insertCalls,
} from '../store/calls.js';
import type { Executor } from '../store/database.js';
import {
  type ExternalCall,
  callSeq,
  findExternalCall,
  findRecentExternalCall,
  insertExternalCall,
  markExternalCallFinished,
  setExternalCallShown,
} from '../store/external-calls.js';
import type { Database } from '../store/schema.js';
import { decideOutbound, refusalOf } from './outbound.js';
import type { PolicyState } from './policy.js';
import type { RecordingStorage } from './recording-storage.js';
import { AUDIO_FORMATS } from './recordings/format.js';
import { uploadRecording } from './recordings/upload.js';

/**
 * Calls an application registers, finishes and attaches recordings to (SPEC §12,
 * `telephony.externalcall.*`): the PBX or CRM connector behind the application placed or
 * took the call, and tells Callgate about it.
 *
 * Who may act, decided here once for every method:
 * - The application: a call is acted on only by the application that registered it (its
 *   `appKey`: an application's tokens share one, each webhook is its own, a user's own
 *   tokens are that user's). Another application's call is not found, never changed.
 * - The user: a user registers and finishes calls of their own. Naming another user needs
 *   what ingesting calls for any user needs (`POST /api/v1/calls`, API.md): an application
 *   token holding the `calls.write` scope. A webhook never holds it, so a webhook records
 *   its own user's calls only.
 * - An outbound call (TYPE 1) is decided for the user it is registered for, by SPEC §5 in
 *   order through the one outbound decision (decideOutbound), on the line it names.
 */
export interface ExternalCaller {
  readonly accountId: string;
  /** The user the request acts as. */
  readonly userId: string;
  /** The application acting: only its own calls and lines are reached. */
  readonly appKey: string;
  /** The application's id, for the audit log (null: a webhook or a user's own token). */
  readonly appId: string | null;
  /** Whether the request may name other users (an application token with calls.write). */
  readonly actsForOthers: boolean;
  readonly state: PolicyState;
}

/** Bitrix24's call types. */
export const EXTERNAL_CALL_TYPES = [1, 2, 3, 4, 5] as const;
export type ExternalCallType = (typeof EXTERNAL_CALL_TYPES)[number];

/**
 * Callgate's direction for Bitrix24's TYPE: 1 outbound, 2 inbound, 3 inbound redirected,
 * 4 callback, 5 info call (Callgate has no info calls: it is a call placed outward).
 */
const DIRECTION = {
  1: 'outbound',
  2: 'inbound',
  3: 'inbound',
  4: 'callback',
  5: 'outbound',
} as const satisfies Record<ExternalCallType, CallDirection>;

/** Bitrix24's STATUS_CODE values (telephony.externalCall.finish). */
export const FINISH_STATUS_CODES = [
  '200',
  '304',
  '603',
  '603-S',
  '403',
  '404',
  '486',
  '484',
  '503',
  '480',
  '402',
  '423',
  'OTHER',
] as const;
export type FinishStatusCode = (typeof FINISH_STATUS_CODES)[number];

/** Callgate's status for a STATUS_CODE: what the call list and statistics can say of it. */
const statusOf = (code: FinishStatusCode): CallStatus =>
  code === '200' ? 'answered' : code === '304' ? 'missed' : code === '486' ? 'busy' : 'failed';

/** Bitrix24 answers the same CALL_ID to a registration repeated within this time. */
const REREGISTER_WINDOW_MS = 30 * 60 * 1000;

/**
 * The user a request names must be one it may act for: itself, or anyone with calls.write;
 * and active, unless `inactiveToo` (an outbound registration, whose decision refuses an
 * inactive user everything but an emergency number, SPEC §5 rule 1).
 */
function requireActsFor(caller: ExternalCaller, userId: string, inactiveToo = false): void {
  const user = caller.state.directory.users.find((u) => u.id === userId);
  if (user === undefined || (!user.active && !inactiveToo))
    throw new CallgateError('invalid_request', `user ${userId} is not found or is not active`);
  if (userId === caller.userId || caller.actsForOthers) return;
  throw new CallgateError(
    'permission_denied',
    'registering or finishing another user’s call needs an application token with the calls.write scope, as ingesting calls does',
    { permission: 'calls.write' },
  );
}

const phoneOf = (state: PolicyState, text: string): string =>
  normalizePhoneNumber(text, state.account.defaultCountry) ?? text.trim();

/**
 * Whether `userId` may read this CRM client under their CRM read scope for its type (SPEC
 * §6): the scope must reach the client's responsible user as far as
 * {@link lowestScopeReaching} says is needed — the rule the outbound decision classifies
 * CRM clients by.
 */
function mayReadCrmClient(policy: Policy, userId: string, client: CrmClientRef): boolean {
  const scope = policy.users.get(userId)?.subject.crmReadScopes[client.type];
  if (scope === undefined || scope === 'none') return false;
  const needed = lowestScopeReaching(policy, userId, client.responsibleUserId);
  return SCOPE_LEVELS.indexOf(scope) >= SCOPE_LEVELS.indexOf(needed);
}

/** A CRM client as `searchCrmEntities` shows it. */
export interface FoundCrmClient {
  readonly type: CrmClientRef['type'];
  readonly id: string;
  readonly name: string;
  readonly responsibleUserId: string | null;
}

/**
 * The CRM clients with this phone number that the user may read (SPEC §6): the number is
 * looked up as the outbound decision looks it up (the policy's phone book, by E.164), and
 * each client kept only when the user's CRM read scope reaches it.
 *
 * @example searchCrmClients(state, 'walt', '+14155550152') // [] in the demo: Sales West reads only its own contacts
 */
export function searchCrmClients(
  state: PolicyState,
  userId: string,
  phoneNumber: string,
): FoundCrmClient[] {
  const refs = state.policy.outbound.facts(phoneNumber).crmClients ?? [];
  const names = new Map(state.directory.crmClients.map((c) => [`${c.type}:${c.id}`, c.name]));
  return refs
    .filter((ref) => mayReadCrmClient(state.policy, userId, ref))
    .map((ref) => ({
      type: ref.type,
      id: ref.id,
      name: names.get(`${ref.type}:${ref.id}`) ?? '',
      responsibleUserId: ref.responsibleUserId,
    }));
}

/** What `telephony.externalcall.register` asks for. */
export interface ExternalCallRegistration {
  /** The user the call is registered for (its responsible employee). */
  readonly userId: string;
  readonly type: ExternalCallType;
  readonly phoneNumber: string;
  /** ISO 8601 with a zone (CALL_START_DATE); now when not given. */
  readonly startedAt?: string;
  readonly lineNumber?: string;
  readonly externalCallId?: string;
  /** The CRM client to link, as the application names it. */
  readonly crm?: { readonly type: CrmClientRef['type']; readonly id: string };
  readonly show: boolean;
}

/**
 * Registers a call (`telephony.externalcall.register`). An outbound call is decided first,
 * by the same decision `POST /api/v1/calls/outbound` takes, for the call's user and line:
 * a refusal (audited there) registers nothing; an emergency call is never refused. A
 * registration repeated within 30 minutes answers the existing call, as Bitrix24 does.
 * The CRM client is the one named, which the call's user must be able to read, or else the
 * first one with the number that they can. Callgate keeps no CRM: nothing is created.
 *
 * `db` is the database, not a transaction: the decision's audit entries are their own.
 *
 * @example await registerExternalCall(db, caller, { userId: 'tess', type: 1, phoneNumber: '911', show: true }, now) // allowed, audited
 */
export async function registerExternalCall(
  db: Kysely<Database>,
  caller: ExternalCaller,
  registration: ExternalCallRegistration,
  now: number,
): Promise<ExternalCall> {
  const { state } = caller;
  requireActsFor(caller, registration.userId, registration.type === 1);
  const startedAt = registration.startedAt;
  if (startedAt !== undefined && !isIsoInstant(startedAt))
    throw new CallgateError(
      'invalid_request',
      'CALL_START_DATE should be in the ISO-8601 format, with a zone',
    );
  let phoneNumber = phoneOf(state, registration.phoneNumber);
  const lineNumber =
    registration.lineNumber === undefined ? null : phoneOf(state, registration.lineNumber);
  if (registration.type === 1) {
    const decision = await decideOutbound(
      db,
      state,
      {
        userId: registration.userId,
        caller: registration.userId,
        to: registration.phoneNumber,
        ...(lineNumber !== null && { line: lineNumber }),
        source: 'api',
      },
      now,
      caller.appId,
    );
    if (!decision.allowed) throw refusalOf(decision);
    phoneNumber = decision.explanation.destination ?? phoneNumber;
  }
  const match = {
    userId: registration.userId,
    type: registration.type,
    phoneNumber,
    lineNumber,
    externalCallId: registration.externalCallId ?? null,
  };
  const earlier = await findRecentExternalCall(
    db,
    caller.accountId,
    caller.appKey,
    match,
    now - REREGISTER_WINDOW_MS,
  );
  if (earlier !== undefined) return earlier;

  let crm: ExternalCall['crm'] = null;
  if (registration.crm !== undefined) {
    const named = registration.crm;
    const known = state.directory.crmClients.find(
      (c) => c.type === named.type && c.id === named.id,
    );
    // One the call's user may not read is as absent as one that does not exist (SPEC §10).
    if (known === undefined || !mayReadCrmClient(state.policy, registration.userId, known))
      throw new CallgateError('not_found', `CRM ${named.type} ${named.id} not found`);
    crm = named;
  } else {
    const first = searchCrmClients(state, registration.userId, phoneNumber)[0];
    if (first !== undefined) crm = { type: first.type, id: first.id };
  }

  const call: ExternalCall = {
    callId: `externalCall.${randomBytes(16).toString('hex')}.${Math.floor(now / 1000)}`,
    appKey: caller.appKey,
    ...match,
    crm,
    startedAt: startedAt === undefined ? now : Date.parse(startedAt),
    registeredAt: now,
    shown: registration.show,
    finishedAt: null,
    vote: null,
    failedReason: null,
  };
  await insertExternalCall(db, caller.accountId, call);
  return call;
}

/** The call this application registered; another application's is not found. */
async function requireOwnCall(
  db: Executor,
  caller: ExternalCaller,
  callId: string,
): Promise<ExternalCall> {
  const call = await findExternalCall(db, caller.accountId, caller.appKey, callId);
  if (call === undefined)
    throw new CallgateError('not_found', `call ${callId} was not registered by this application`);
  return call;
}

/** What `telephony.externalcall.finish` reports. */
export interface ExternalCallFinish {
  readonly callId: string;
  /** The user finishing it: the call's own, or another where the caller may name others. */
  readonly userId: string;
  readonly durationSec: number;
  readonly cost: number | null;
  readonly currency: string | null;
  /** Bitrix24's default: 200 when the call lasted, else 304. */
  readonly statusCode?: FinishStatusCode;
  readonly failedReason: string;
  readonly vote: number | null;
}

/** A finished call: its registration and the record it became. */
export interface FinishedExternalCall {
  readonly call: ExternalCall;
  /** The call record's number (Bitrix24's statistic ID). */
  readonly seq: number;
  readonly statusCode: FinishStatusCode;
  readonly durationSec: number;
  readonly cost: number | null;
  readonly currency: string | null;
}

/**
 * Finishes a registered call (`telephony.externalcall.finish`): the call becomes a call
 * record — in the call list, the statistics and `voximplant.statistic.get`, for those whose
 * scope reaches its user — once. Run inside a transaction: the record, the registration's
 * finish and the audit entry are one change.
 *
 * @example await db.transaction().execute((trx) => finishExternalCall(trx, caller, { callId, userId: 'mia', durationSec: 95, cost: null, currency: null, failedReason: '', vote: null }, now))
 */
export async function finishExternalCall(
  db: Executor,
  caller: ExternalCaller,
  finish: ExternalCallFinish,
  now: number,
): Promise<FinishedExternalCall> {
  const registered = await requireOwnCall(db, caller, finish.callId);
  requireActsFor(caller, finish.userId);
  const statusCode = finish.statusCode ?? (finish.durationSec > 0 ? '200' : '304');
  const finished = await markExternalCallFinished(
    db,
    caller.accountId,
    caller.appKey,
    finish.callId,
    { at: now, vote: finish.vote, failedReason: finish.failedReason },
  );
  if (!finished || (await existingCallIds(db, caller.accountId, [finish.callId])).length > 0)
    throw new CallgateError('conflict', `call ${finish.callId} is already finished`);
  await insertCalls(db, caller.accountId, [
    {
      id: registered.callId,
      userId: registered.userId,
      direction: DIRECTION[registered.type as ExternalCallType],
      phoneNumber: registered.phoneNumber,
      lineNumber: registered.lineNumber,
      startedAt: new Date(registered.startedAt).toISOString(),
      durationSec: finish.durationSec,
      status: statusOf(statusCode),
      cost: finish.cost,
      currency: finish.currency,
      crm: registered.crm,
      recordingRef: null,
    },
  ]);
  await appendAudit(
    db,
    caller.accountId,
    {
      type: 'calls.imported',
      actor: `user:${finish.userId}`,
      subject: registered.callId,
      detail: { count: 1, via: 'telephony.externalcall.finish', appId: caller.appId },
    },
    now,
  );
  return {
    call: { ...registered, finishedAt: now, vote: finish.vote, failedReason: finish.failedReason },
    seq: await callSeq(db, caller.accountId, registered.callId),
    statusCode,
    durationSec: finish.durationSec,
    cost: finish.cost,
    currency: finish.currency,
  };
}

/** What `telephony.externalcall.attachrecord` sends: the file's name and its bytes. */
export interface ExternalRecording {
  readonly callId: string;
  readonly fileName: string;
  readonly content: Buffer;
}

/**
 * Attaches a recording to a finished call this application registered, through the one
 * upload use case (format sniffed against the file's extension, size limit, replacing
 * needs recording.delete, legal hold, audit). Answers the call record's number.
 */
export async function attachExternalRecording(
  db: Kysely<Database>,
  storage: RecordingStorage,
  caller: ExternalCaller,
  recording: ExternalRecording,
  maxBytes: number,
  now: number,
): Promise<number> {
  const call = await requireOwnCall(db, caller, recording.callId);
  if (call.finishedAt === null)
    throw new CallgateError(
      'invalid_request',
      `call ${call.callId} is not finished: finish it first, then attach its recording`,
    );
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(recording.fileName)?.[1]?.toLowerCase();
  const format = Object.values(AUDIO_FORMATS).find((f) => f.extension === extension);
  if (format === undefined)
    throw new CallgateError(
      'unsupported_media_type',
      `FILENAME must end in one of ${Object.values(AUDIO_FORMATS)
        .map((f) => `.${f.extension}`)
        .join(', ')}`,
    );
  await uploadRecording(db, storage, {
    accountId: caller.accountId,
    callId: call.callId,
    mediaType: format.contentType,
    declaredBytes: recording.content.length,
    source: Readable.from([recording.content]),
    maxBytes,
    actor: `user:${caller.userId}`,
    appId: caller.appId,
    replacingAs: { policy: caller.state.policy, userId: caller.userId },
    now,
  });
  return callSeq(db, caller.accountId, call.callId);
}

/**
 * `show` / `hide`: Callgate has no call card to pop up, so it records the display state
 * the application asked for on its own call (and nothing else happens). Another
 * application's call is not found. The users named must be users of the account.
 */
export async function setExternalCallDisplay(
  db: Executor,
  caller: ExternalCaller,
  callId: string,
  userIds: readonly string[],
  shown: boolean,
): Promise<void> {
  await requireOwnCall(db, caller, callId);
  for (const userId of userIds) requireActsFor(caller, userId);
  await setExternalCallShown(db, caller.accountId, caller.appKey, callId, shown);
}

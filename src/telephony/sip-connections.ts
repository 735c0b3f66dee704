import type { Kysely } from 'kysely';
import { IssueList } from '../engine/validation-error.js';
import { CallgateError, notFound } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import type { Database } from '../store/schema.js';
import {
  type SipConnectionFields,
  type StoredSipConnection,
  deleteSipConnection,
  findSipConnection,
  insertSipConnection,
  listSipConnections,
  updateSipConnection,
} from '../store/sip-connections.js';
import type { Secrets } from './secrets.js';

/**
 * The account's SIP connections (SPEC §2 numbers.manage, "connection (SIP) settings"; §12
 * `voximplant.sip.*`): a cloud PBX (a SIP provider's trunk, registered with a login) or an
 * office PBX. Callgate keeps them and hands them to the PBX that carries calls; it does not
 * register trunks itself (see {@link sipRegistration}).
 */
export const SIP_CONNECTION_TYPES = ['cloud', 'office'] as const;
export type SipConnectionType = (typeof SIP_CONNECTION_TYPES)[number];

/** Bitrix24 allows 10 cloud PBXs per account; office PBXs get a bound of their own. */
export const MAX_CONNECTIONS = { cloud: 10, office: 50 } as const satisfies Record<
  SipConnectionType,
  number
>;

/**
 * A connection as the use cases answer it: never the password, only whether there is one.
 * A trunk password is a toll-fraud credential; whoever manages numbers may replace it, and
 * nobody needs to read it back (the same rule as a rented number's connection).
 */
export interface SipConnectionView {
  readonly configId: number;
  /** A cloud PBX's registration id (Bitrix24's REG_ID); null for an office PBX. */
  readonly regId: number | null;
  readonly type: SipConnectionType;
  readonly title: string;
  readonly server: string;
  readonly login: string;
  readonly hasPassword: boolean;
  readonly updatedAt: number;
}

/** A new connection, or the fields a change replaces (omitted: kept). */
export interface SipConnectionInput {
  readonly type?: string;
  readonly title?: string;
  readonly server?: string;
  readonly login?: string;
  /** Omitted: keep the stored one. */
  readonly password?: string;
}

const SERVER = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:\d{1,5})?$/;
const PRINTABLE = /^[^\p{Cc}]*$/u;

function describe(stored: StoredSipConnection): SipConnectionView {
  const type = stored.type as SipConnectionType;
  return {
    configId: stored.id,
    regId: type === 'cloud' ? stored.id : null,
    type,
    title: stored.title,
    server: stored.server,
    login: stored.login,
    hasPassword: stored.sealedPassword !== null,
    updatedAt: stored.updatedAt,
  };
}

/** The audit's view: whether there is a password, never the password. */
const redact = (view: SipConnectionView) => ({
  type: view.type,
  title: view.title,
  server: view.server,
  login: view.login,
  password: view.hasPassword ? '(set)' : null,
});

/** Checks a connection's fields as they will be stored. */
function check(fields: Omit<SipConnectionFields, 'sealedPassword'>, password?: string): void {
  const issues = new IssueList();
  if (!(SIP_CONNECTION_TYPES as readonly string[]).includes(fields.type))
    issues.add('TYPE', 'cloud or office');
  if (!SERVER.test(fields.server))
    issues.add('SERVER', 'the address of the SIP server: a host name or address, and a port');
  if (fields.login.length === 0 || fields.login.length > 128 || !PRINTABLE.test(fields.login))
    issues.add('LOGIN', 'the login: 1 to 128 printable characters');
  if (fields.title.length > 200 || !PRINTABLE.test(fields.title))
    issues.add('TITLE', 'at most 200 printable characters');
  if (password !== undefined && (password.length > 100 || !PRINTABLE.test(password)))
    issues.add('PASSWORD', 'at most 100 printable characters');
  issues.throwIfAny();
}

function assertTitleFree(
  all: readonly StoredSipConnection[],
  title: string,
  exceptId?: number,
): void {
  if (title !== '' && all.some((other) => other.title === title && other.id !== exceptId))
    throw new CallgateError('conflict', `a SIP connection is already named ${title}`);
}

/** The account's SIP connections, oldest first. */
export async function listAccountSipConnections(
  db: Executor,
  accountId: string,
): Promise<SipConnectionView[]> {
  return (await listSipConnections(db, accountId)).map(describe);
}

/**
 * Adds a SIP connection: a cloud PBX unless `type` says office. Titles are unique in the
 * account (an empty one aside); the password is sealed before it is stored. Audited.
 */
export async function addSipConnection(
  db: Kysely<Database>,
  accountId: string,
  input: SipConnectionInput,
  secrets: Secrets,
  actor: Actor,
  now: number,
): Promise<SipConnectionView> {
  const fields = {
    type: input.type ?? 'cloud',
    title: input.title ?? '',
    server: input.server ?? '',
    login: input.login ?? '',
  };
  check(fields, input.password);
  return db.transaction().execute(async (trx) => {
    const all = await listSipConnections(trx, accountId);
    assertTitleFree(all, fields.title);
    const type = fields.type as SipConnectionType;
    if (all.filter((c) => c.type === type).length >= MAX_CONNECTIONS[type])
      throw new CallgateError(
        'conflict',
        `an account may hold at most ${MAX_CONNECTIONS[type]} ${type} PBX connections`,
      );
    const sealedPassword = input.password === undefined ? null : secrets.encrypt(input.password);
    const id = await insertSipConnection(trx, accountId, { ...fields, sealedPassword }, now);
    const view = describe({ id, ...fields, sealedPassword, createdAt: now, updatedAt: now });
    await appendAudit(
      trx,
      accountId,
      { type: 'sipConnection.added', actor, subject: String(id), after: redact(view) },
      now,
    );
    return view;
  });
}

/**
 * Changes a SIP connection's title, server, login or password (the type stays): 404 when the
 * account has no such connection. Audited, saying whether the password changed.
 */
export async function changeSipConnection(
  db: Kysely<Database>,
  accountId: string,
  configId: number,
  input: Omit<SipConnectionInput, 'type'>,
  secrets: Secrets,
  actor: Actor,
  now: number,
): Promise<SipConnectionView> {
  return db.transaction().execute(async (trx) => {
    const all = await listSipConnections(trx, accountId);
    const before = all.find((c) => c.id === configId);
    if (before === undefined) throw notFound(`SIP connection ${configId}`);
    const fields = {
      type: before.type,
      title: input.title ?? before.title,
      server: input.server ?? before.server,
      login: input.login ?? before.login,
    };
    check(fields, input.password);
    assertTitleFree(all, fields.title, configId);
    const sealedPassword =
      input.password === undefined ? before.sealedPassword : secrets.encrypt(input.password);
    if (!(await updateSipConnection(trx, accountId, configId, { ...fields, sealedPassword }, now)))
      throw notFound(`SIP connection ${configId}`);
    const after = describe({ ...before, ...fields, sealedPassword, updatedAt: now });
    await appendAudit(
      trx,
      accountId,
      {
        type: 'sipConnection.changed',
        actor,
        subject: String(configId),
        before: redact(describe(before)),
        after: redact(after),
        detail: { password: input.password === undefined ? 'unchanged' : 'set' },
      },
      now,
    );
    return after;
  });
}

/** Deletes a SIP connection: 404 when the account has no such connection. Audited. */
export async function removeSipConnection(
  db: Kysely<Database>,
  accountId: string,
  configId: number,
  actor: Actor,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await findSipConnection(trx, accountId, configId);
    if (before === undefined || !(await deleteSipConnection(trx, accountId, configId)))
      throw notFound(`SIP connection ${configId}`);
    await appendAudit(
      trx,
      accountId,
      {
        type: 'sipConnection.deleted',
        actor,
        subject: String(configId),
        before: redact(describe(before)),
      },
      now,
    );
  });
}

/** What is known of a cloud PBX's registration. */
export interface SipRegistration {
  readonly regId: number;
  /** When the connection was last changed: the last thing Callgate knows of it. */
  readonly lastUpdated: number;
  readonly result: 'error';
  readonly statusCode: number;
  readonly message: string;
}

/**
 * The registration state of a cloud PBX (404 for an unknown REG_ID or an office PBX, which
 * does not register). Callgate does not register SIP trunks: the PBX that carries the calls
 * does, and does not report back. So the answer is never "success": it says that no
 * registration is made here, rather than inventing a state nobody observed.
 */
export async function sipRegistration(
  db: Executor,
  accountId: string,
  regId: number,
): Promise<SipRegistration> {
  const stored = await findSipConnection(db, accountId, regId);
  if (stored === undefined || stored.type !== 'cloud') throw notFound(`SIP registration ${regId}`);
  return {
    regId,
    lastUpdated: stored.updatedAt,
    result: 'error',
    statusCode: 0,
    message: NOT_REGISTERED,
  };
}

export const NOT_REGISTERED =
  'Callgate does not register SIP connections: the PBX that carries the calls registers the trunk, and its state is not known here';

import { type Expression, sql } from 'kysely';
import { type Executor, type Store, isStoreUnavailable } from './database.js';

/**
 * Where the reads that may be served by a PostgreSQL streaming replica go (issue 15): call
 * lists, call details, statistics, the audit log and its export. Everything a decision
 * depends on (tokens, the policy, the directory) and every write stay on the primary; the
 * caller has already decided on the primary before it asks for a read here.
 *
 * A read goes to the replica only when all of these hold, and to the primary otherwise:
 *
 * - the replica answered its last poll (a query that fails there is run again on the primary);
 * - it is within `maxLagMs` of the primary, measured by the poller below;
 * - it has replayed past the reader's own last write: after every write a user makes, the
 *   primary's WAL insert position is kept for that user in `write_positions` (on the
 *   primary, so every server sees it), and the replica's `pg_last_wal_replay_lsn()` must
 *   have reached it. The position comes with the request's credential, read on the
 *   primary in the same statement ({@link lastWriteOf}), so a read the replica serves
 *   costs the primary nothing of its own;
 * - it holds the policy version the request was decided on, so that the directory tables
 *   the list queries join (department scopes) are the ones the decision used.
 */
export interface ReadRouter {
  /** Whether a replica is configured: without one every read is the primary's and nothing is recorded. */
  readonly replicated: boolean;
  /** How reads were routed; plain numbers, for the metrics registry to export. */
  readonly counters: ReadRoutingCounters;
  /**
   * Runs `read` on the replica when it may answer `reader`, else on the primary. A replica
   * that fails to answer (down, cut off, or a query cancelled by replay) is retried on the
   * primary, so the caller sees no error the primary would not give.
   */
  run<T>(reader: Reader, read: (db: Executor) => Promise<T>): Promise<T>;
  /** Keeps the primary's current WAL position as `user`'s last write; call before answering a write. */
  recordWrite(accountId: string, userId: string): Promise<void>;
  /** Stops the poller and closes the replica's connections (not the primary's). */
  close(): Promise<void>;
}

/** Who is reading: the account and user, and the policy version their request was decided on. */
export interface Reader {
  readonly accountId: string;
  readonly userId: string;
  readonly policyVersion: number;
  /**
   * The user's last write position as their credential's read found it ({@link lastWriteOf}),
   * null when none is recorded. Absent: not read with the credential, and the router reads
   * it from the primary itself.
   */
  readonly lastWrite?: number | null;
}

/**
 * The user's last write position (bytes of WAL; null when none is recorded), as a column
 * of the statement that reads a credential's live state on the primary. On SQLite the
 * table is there and empty.
 */
export function lastWriteOf(accountId: Expression<string>, userId: Expression<string>) {
  return sql<number | null>`(select p.lsn from ${sql.table('write_positions')} p
    where p.account_id = ${accountId} and p.user_id = ${userId})`;
}

/**
 * How many reads went where since the server started. Monotonic counters, so a metrics
 * registry can export them as they are (prom-client counters, wired at merge with h/ops).
 */
export interface ReadRoutingCounters {
  /** Reads the replica served. */
  replica: number;
  /** Reads the primary served because the replica was unreachable or failed the query. */
  primaryFallback: number;
  /** Reads the primary served because the replica lagged beyond the bound. */
  lagged: number;
  /**
   * Reads the primary served because the replica had not yet replayed the reader's own
   * last write or the policy version the request was decided on.
   */
  notYetReplayed: number;
}

const zeroCounters = (): ReadRoutingCounters => ({
  replica: 0,
  primaryFallback: 0,
  lagged: 0,
  notYetReplayed: 0,
});

/** The router of a service without a replica: every read is the primary's. */
export function primaryOnly(primary: Store): ReadRouter {
  return {
    replicated: false,
    counters: zeroCounters(),
    run: (_reader, read) => read(primary.db),
    recordWrite: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** A WAL position as a number of bytes: exact below 2^53, that is 8 PiB of WAL. */
const lsnBytes = (lsn: ReturnType<typeof sql>) => sql<number>`(${lsn} - '0/0'::pg_lsn)::bigint`;
/**
 * The insert position, not the write position: with `synchronous_commit = off` a commit
 * returns before its record is written, and the insert position is past it either way.
 */
const INSERT_POSITION = lsnBytes(sql`pg_current_wal_insert_lsn()`);
const WRITE_POSITION = lsnBytes(sql`pg_current_wal_lsn()`);
const REPLAY_POSITION = lsnBytes(sql`pg_last_wal_replay_lsn()`);

/** SQLSTATE 40001 on a standby: a query cancelled because replay had to remove rows it read. */
const CANCELLED_BY_REPLAY = '40001';

/** How many primary positions the lag estimate keeps while the replica is behind. */
const KEPT_SAMPLES = 1_000;

/** How many accounts' policy versions on the replica the router keeps (a number each). */
const KEPT_VERSIONS = 100_000;

export interface ReplicaOptions {
  /** The replica's lag beyond which reads go to the primary, in milliseconds. */
  readonly maxLagMs: number;
  /** How often the lag is measured; a fifth of the bound, between 100 ms and 1 s, when absent. */
  readonly pollMs?: number;
  /** The clock (epoch milliseconds). */
  readonly now?: () => number;
  /** Where a failing poll is reported (once per outage). */
  readonly warn?: (message: string) => void;
}

/**
 * Routes reads between `primary` and `replica`, a hot standby of it (both PostgreSQL).
 * Resolves once the first poll has measured the replica, so a server starts knowing
 * whether to use it.
 *
 * @example const reads = await replicaRouter(store, await openStore(readUrl, { readOnly: true }), { maxLagMs: 5_000 })
 */
export async function replicaRouter(
  primary: Store,
  replica: Store,
  options: ReplicaOptions,
): Promise<ReadRouter> {
  if (primary.dialect !== 'postgres' || replica.dialect !== 'postgres')
    throw new Error('a read replica needs PostgreSQL as the primary and the replica');
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? Math.min(1_000, Math.max(100, options.maxLagMs / 5));
  /**
   * How long the replica may take over its small statements: one that hangs (a network cut
   * with no reset) is given up, so neither the poller nor a request waits on it for ever.
   */
  const probeMs = Math.max(1_000, options.maxLagMs);
  const counters = zeroCounters();
  /**
   * The lag estimate. Each poll reads the primary's write position `p` at time `s`, then the
   * replica's replay position `r`. Once `r ≥ p` the replica holds everything the primary
   * had written at `s`, so it is at most `now − s` behind (plus the WAL writer's delay, for
   * asynchronous commits not yet written): `caughtUpAt` is the latest such `s`, and
   * the lag is measured against it at the moment of each read, so it grows between polls.
   * An idle primary does not make a healthy replica look late (its position stands still
   * and is replayed), and a replica that stops replaying or is cut off from the primary
   * while the primary writes falls behind the bound by itself, with no timestamp from the
   * replica's own clock involved.
   */
  let caughtUpAt = Number.NEGATIVE_INFINITY;
  const pending: { position: number; at: number }[] = [];
  /** Whether the last poll or query reached the replica. */
  let reachable = false;
  /** Whether the current outage was reported, so an outage is reported once. */
  let reported = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /**
   * What the replica is known to hold, so that most reads ask it nothing first: the replay
   * position it last reported (only grows while it follows this primary), and per account
   * the highest policy version it was seen holding (versions only grow). A reader whose
   * last write and decided version are within both is served at once.
   */
  let replayedUpTo = 0;
  const versions = new Map<string, number>();
  /**
   * Keeps what the replica answered to a question asked when `replayedUpTo` was `asked`.
   * Answers to concurrent questions may arrive in any order, so only an answer below what
   * was known when it was asked means replay went back: another copy answers at this
   * address, and what was known of the old one is forgotten.
   */
  const learn = (
    asked: number,
    replayed: number,
    accountId?: string,
    version?: number | null,
  ): void => {
    if (replayed < asked) {
      versions.clear();
      replayedUpTo = replayed;
    } else replayedUpTo = Math.max(replayedUpTo, replayed);
    if (accountId === undefined || version === null || version === undefined) return;
    if (versions.size >= KEPT_VERSIONS && !versions.has(accountId)) versions.clear();
    versions.set(accountId, Math.max(version, versions.get(accountId) ?? 0));
  };
  const holds = (reader: Reader, written: number): boolean =>
    written <= replayedUpTo && (versions.get(reader.accountId) ?? -1) >= reader.policyVersion;

  const markUnreachable = (error: unknown): void => {
    reachable = false;
    if (reported) return;
    reported = true;
    options.warn?.(`read replica unusable, reads go to the primary: ${(error as Error).message}`);
  };

  const poll = async (): Promise<void> => {
    let primaryAt: { position: number; at: number };
    try {
      const at = now();
      const { rows } = await sql<{ position: number }>`
        select ${WRITE_POSITION} as position`.execute(primary.db);
      primaryAt = { position: rows[0]!.position, at };
    } catch {
      // The primary's own outage shows on every request; nothing to learn about the replica.
      return;
    }
    try {
      const asked = replayedUpTo;
      const { rows } = await answerWithin(
        probeMs,
        sql<{ position: number | null }>`select ${REPLAY_POSITION} as position`.execute(replica.db),
      );
      const replayed = rows[0]?.position ?? null;
      // Null: not in recovery. A promoted replica no longer follows this primary.
      if (replayed === null)
        throw new ReplicaUnusableError('the read database is not a standby in recovery');
      reachable = true;
      reported = false;
      learn(asked, replayed);
      pending.push(primaryAt);
      while (pending.length > 0 && pending[0]!.position <= replayed)
        caughtUpAt = Math.max(caughtUpAt, pending.shift()!.at);
      // Dropping the oldest unreplayed samples only delays the next catch-up point: safe.
      if (pending.length > KEPT_SAMPLES) pending.splice(0, pending.length - KEPT_SAMPLES);
    } catch (error) {
      markUnreachable(error);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), pollMs);
    // The poller alone keeps no process alive (a CLI command, a test).
    timer.unref();
  };

  await poll();
  schedule();

  /** The reader's last write position, read on the primary. */
  const lastWrite = async (reader: Reader): Promise<number> => {
    // Never past the primary's current position: positions a restore brought from another
    // cluster would otherwise keep the reader on the primary until its WAL got that far.
    const { rows } = await sql<{ position: number }>`
      select least(
        coalesce((select lsn from ${sql.table('write_positions')}
          where account_id = ${reader.accountId} and user_id = ${reader.userId}), 0),
        ${INSERT_POSITION}) as position`.execute(primary.db);
    return rows[0]!.position;
  };

  /** Whether the replica has replayed `written` and the policy version `reader` was decided on. */
  const hasReplayed = async (reader: Reader, written: number): Promise<boolean> => {
    const asked = replayedUpTo;
    const { rows } = await answerWithin(
      probeMs,
      sql<{ position: number | null; version: number | null }>`
        select ${REPLAY_POSITION} as position,
          (select policy_version from ${sql.table('accounts')}
            where id = ${reader.accountId}) as version`.execute(replica.db),
    );
    const state = rows[0];
    if (state?.position === null || state?.position === undefined)
      throw new ReplicaUnusableError('the read database is not a standby in recovery');
    learn(asked, state.position, reader.accountId, state.version);
    // Versions only grow: a replica behind the decided one holds an older directory.
    return holds(reader, written);
  };

  /** Where `reader`'s read goes: the replica, or why the primary. */
  const route = async (reader: Reader): Promise<'replica' | keyof ReadRoutingCounters> => {
    if (!reachable) return 'primaryFallback';
    if (now() - caughtUpAt > options.maxLagMs) return 'lagged';
    // No write recorded (null) is position 0; not read with the credential, unknown.
    const brought = reader.lastWrite === undefined ? Infinity : (reader.lastWrite ?? 0);
    if (holds(reader, brought)) return 'replica';
    // Read again even when the credential brought it: this read is bounded by the
    // primary's own position (a restored `write_positions` row may lie ahead of it). On the
    // primary: its failure is the request's, not the replica's.
    const written = await lastWrite(reader);
    try {
      return (await hasReplayed(reader, written)) ? 'replica' : 'notYetReplayed';
    } catch (error) {
      if (!isReplicaFailure(error)) throw error;
      markUnreachable(error);
      return 'primaryFallback';
    }
  };

  return {
    replicated: true,
    counters,
    async run(reader, read) {
      let reason = await route(reader);
      if (reason === 'replica') {
        try {
          const answer = await read(replica.db);
          counters.replica++;
          return answer;
        } catch (error) {
          if (!isReplicaFailure(error)) throw error;
          // A query cancelled by replay says nothing against the replica's next one.
          if (!isCancelledByReplay(error)) markUnreachable(error);
          reason = 'primaryFallback';
        }
      }
      counters[reason]++;
      return read(primary.db);
    },
    async recordWrite(accountId, userId) {
      await sql`
        insert into ${sql.table('write_positions')} (account_id, user_id, lsn)
        values (${accountId}, ${userId}, ${INSERT_POSITION})
        on conflict (account_id, user_id)
        do update set lsn = greatest(${sql.ref('write_positions.lsn')}, excluded.lsn)`.execute(
        primary.db,
      );
    },
    async close() {
      stopped = true;
      clearTimeout(timer);
      await replica.close();
    },
  };
}

/** A replica that is no longer a standby (promoted, or never one), or does not answer. */
class ReplicaUnusableError extends Error {}

/** `answer`, or a {@link ReplicaUnusableError} once `ms` have passed without it. */
async function answerWithin<T>(ms: number, answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ReplicaUnusableError(`the read replica did not answer in ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A replica failure the primary can make up for: unreachable, silent, no longer a standby,
 * or a query cancelled by replay.
 */
function isReplicaFailure(error: unknown): boolean {
  return (
    error instanceof ReplicaUnusableError || isStoreUnavailable(error) || isCancelledByReplay(error)
  );
}

const isCancelledByReplay = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === CANCELLED_BY_REPLAY;

import { CallgateError } from '../errors.js';

/**
 * How many wrong passwords sign-in forgives, and how it backs off after that. Failures are
 * counted per account and email (guessing one person's password) and per client address
 * (guessing many people's); past the free ones, each failure doubles the wait.
 */
export interface SignInLimitsConfig {
  /** Wrong passwords for one account and email before waits begin. */
  readonly freeFailuresPerEmail: number;
  /** Failed sign-ins from one address, whatever the email, before waits begin. */
  readonly freeFailuresPerAddress: number;
  /** The first wait; each further failure doubles it. */
  readonly firstWaitSeconds: number;
  /** The longest wait. */
  readonly maxWaitSeconds: number;
  /** A key with no failure for this long starts again from nothing. */
  readonly forgetAfterSeconds: number;
}

/** The defaults: a person who mistypes a few times never waits; a guesser soon waits 15 minutes a guess. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimitsConfig = {
  freeFailuresPerEmail: 5,
  freeFailuresPerAddress: 20,
  firstWaitSeconds: 1,
  maxWaitSeconds: 15 * 60,
  forgetAfterSeconds: 60 * 60,
};

interface Failures {
  count: number;
  last: number;
  blockedUntil: number;
}

/** Keys kept per kind; the least recently failed go first, so a flood of new keys costs bounded memory. */
const KEPT_KEYS = 100_000;

/**
 * Failed sign-ins, counted per account+email and per address, in this server's memory (as
 * the request rate limits are: behind N servers a guesser gets up to N times the tries).
 * A refusal answers 429 `rate_limited` with the seconds to wait and costs no password hash:
 * while blocked, even the right password is refused, or the block would tell a guesser
 * when they have found it.
 */
export class SignInLimits {
  readonly #byEmail = new Map<string, Failures>();
  readonly #byAddress = new Map<string, Failures>();

  constructor(readonly config: SignInLimitsConfig = DEFAULT_SIGN_IN_LIMITS) {}

  /** Throws `rate_limited` when this account+email or this address must wait. */
  check(attempt: SignInAttempt, now: number): void {
    const wait = Math.max(
      this.#waitOf(this.#byEmail, emailKey(attempt), now),
      this.#waitOf(this.#byAddress, attempt.address, now),
    );
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new CallgateError(
        'rate_limited',
        `too many failed sign-ins; retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
  }

  /** Counts a failed sign-in against both keys. */
  fail(attempt: SignInAttempt, now: number): void {
    const { freeFailuresPerEmail, freeFailuresPerAddress } = this.config;
    this.#count(this.#byEmail, emailKey(attempt), freeFailuresPerEmail, now);
    this.#count(this.#byAddress, attempt.address, freeFailuresPerAddress, now);
  }

  /**
   * Forgets the account+email's failures. Not the address's: a guesser who holds one
   * account of their own could otherwise sign in to it between guesses to start afresh.
   */
  succeed(attempt: SignInAttempt): void {
    this.#byEmail.delete(emailKey(attempt));
  }

  #waitOf(map: Map<string, Failures>, key: string, now: number): number {
    const failures = map.get(key);
    if (failures === undefined) return 0;
    if (now - failures.last >= this.config.forgetAfterSeconds * 1000) {
      map.delete(key);
      return 0;
    }
    return Math.max(0, failures.blockedUntil - now);
  }

  #count(map: Map<string, Failures>, key: string, free: number, now: number): void {
    const { firstWaitSeconds, maxWaitSeconds, forgetAfterSeconds } = this.config;
    let failures = map.get(key);
    if (failures !== undefined && now - failures.last >= forgetAfterSeconds * 1000)
      failures = undefined;
    failures ??= { count: 0, last: now, blockedUntil: 0 };
    failures.count += 1;
    failures.last = now;
    const over = failures.count - free;
    if (over > 0) {
      // 2^(over-1), capped before it can overflow.
      const wait = Math.min(maxWaitSeconds, firstWaitSeconds * 2 ** Math.min(over - 1, 30));
      failures.blockedUntil = now + wait * 1000;
    }
    map.delete(key);
    if (map.size >= KEPT_KEYS) map.delete(map.keys().next().value!);
    map.set(key, failures);
  }
}

/** Who is signing in, as the limits count it. */
export interface SignInAttempt {
  readonly accountId: string;
  /** As typed; compared trimmed and in lower case, as sign-in compares it. */
  readonly email: string;
  /** The client's address. */
  readonly address: string;
}

const emailKey = (attempt: SignInAttempt): string =>
  `${attempt.accountId}\u0000${attempt.email.trim().toLowerCase()}`;

/**
 * A small semaphore for password hashing. Argon2 runs on libuv's thread pool (four threads
 * unless UV_THREADPOOL_SIZE says otherwise), which file reads and DNS share: a flood of
 * sign-ins once queued hundreds of hashes there and a recording took 20.7 s to start
 * instead of 0.13 s. At most `concurrency` hashes run at once, at most `queued` wait, and
 * anything beyond is refused at once (429, retry in a second) rather than queued.
 */
export class HashingGate {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly concurrency = 2,
    readonly queued = 16,
  ) {}

  /**
   * Runs `hash` when a slot is free. `mayRefuse: false` waits whatever the queue (setting a
   * password: an administrator's rare act, which a flood of sign-ins must not refuse).
   */
  async run<T>(hash: () => Promise<T>, { mayRefuse = true } = {}): Promise<T> {
    if (this.#running >= this.concurrency) {
      if (mayRefuse && this.#waiting.length >= this.queued) {
        throw new CallgateError('rate_limited', 'too many sign-ins at once; retry in 1 s', {
          retryAfterSeconds: 1,
        });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await hash();
    } finally {
      // Hand the slot straight to the next in line, or give it back.
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#running -= 1;
    }
  }

  /** Hashes running now (for tests and metrics). */
  get running(): number {
    return this.#running;
  }
}

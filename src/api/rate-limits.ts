import { createRequire } from 'node:module';
import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { CallgateError } from '../errors.js';
import type { Metrics } from './metrics.js';

/** Requests allowed per window, per key; `windowMs` is the window's length. */
export interface RateLimits {
  readonly windowMs: number;
  /** One client address (behind a trusted proxy, the client's own), before authentication. */
  readonly perAddress: number;
  /** One user or application token. */
  readonly perToken: number;
  /** One token on the PBX hook: a call centre's PBX asks once per call. */
  readonly pbxPerToken: number;
  /** All the tokens of one account together. */
  readonly perAccount: number;
}

export type LimitName = 'address' | 'token' | 'pbxToken' | 'account';

/** The limits checked in the access hook (auth.ts), each answering 429 `rate_limited`. */
export interface Limiter {
  /** Counts one request against `key` of limit `name`; throws `rate_limited` past the limit. */
  take(name: LimitName, key: string, request: FastifyRequest): Promise<void>;
}

interface CounterResult {
  current: number;
  ttl: number;
}
type Incr = (
  key: string,
  done: (error: Error | null, result?: CounterResult) => void,
  timeWindow: number,
  max: number,
) => void;
interface StoreInstance {
  incr: Incr;
  child(options: unknown): StoreInstance;
}
type StoreClass = new (...args: never[]) => StoreInstance;

// The plugin's own stores (not exported from its entry point): the in-memory one and the
// Redis one with its Lua script, so both servers and the fallback count the same way.
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache: number,
) => StoreInstance;
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string,
) => StoreInstance;

/** Keys kept in memory per server; past it the least recently used is forgotten. */
const LOCAL_KEYS = 100_000;

/**
 * Counts in Redis while it answers, so every server shares one count per key; while it
 * does not, in this server's memory. A request is never refused, nor held up, because
 * Redis is away: the client sends no command while disconnected (no offline queue) and
 * a command gives up after `REDIS_TIMEOUT_MS`. Each change of state is logged once.
 */
function fallbackStore(redis: Redis | undefined, log: FastifyBaseLogger): StoreClass {
  const local = new LocalStore(false, false, LOCAL_KEYS);
  const shared = redis && new RedisStore(false, false, redis, 'callgate:rate:');
  let usingRedis = true;
  const note = (up: boolean, error?: unknown) => {
    if (up === usingRedis) return;
    usingRedis = up;
    if (up) log.warn('Redis is reachable again: rate limits are shared by every server');
    else
      log.warn(
        { err: error },
        'Redis is unreachable: each server applies the rate limits on its own until it is back',
      );
  };
  if (redis !== undefined) {
    // The client's own events tell when it comes and goes, requests or not.
    redis.on('ready', () => note(true));
    redis.on('error', (error: unknown) => note(false, error));
    redis.on('end', () => note(false));
    if (redis.status !== 'ready') note(false, new Error(`Redis connection ${redis.status}`));
  }
  const store: StoreInstance = {
    incr(key, done, timeWindow, max) {
      if (shared === undefined || redis?.status !== 'ready') {
        if (shared !== undefined) note(false, new Error(`Redis connection ${redis?.status}`));
        local.incr(key, done, timeWindow, max);
        return;
      }
      shared.incr(
        key,
        (error, result) => {
          if (error === null && result !== undefined) {
            note(true);
            done(null, result);
            return;
          }
          note(false, error);
          local.incr(key, done, timeWindow, max);
        },
        timeWindow,
        max,
      );
    },
    child: () => store,
  };
  return class {
    constructor() {
      return store;
    }
  } as unknown as StoreClass;
}

/**
 * Registers @fastify/rate-limit (no global hook: the access hook decides which limits a
 * request meets, after it knows the token) and answers the limiter the access hook uses.
 * Refusals are 429 `rate_limited` with Retry-After in seconds, counted in the metrics.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  limits: RateLimits | false,
  metrics: Metrics,
  redis: Redis | undefined,
): Promise<Limiter> {
  if (limits === false) return { take: () => Promise.resolve() };
  await app.register(rateLimit, {
    global: false,
    store: fallbackStore(redis, app.log) as never,
    // A Redis error never refuses a request: the fallback store answers instead.
    skipOnError: true,
  });
  // The key of the request being counted; the plugin asks the key generator for it.
  const keys = new WeakMap<FastifyRequest, string>();
  const keyGenerator = (request: FastifyRequest) => keys.get(request) ?? request.ip;
  const maxOf: Record<LimitName, number> = {
    address: limits.perAddress,
    token: limits.perToken,
    pbxToken: limits.pbxPerToken,
    account: limits.perAccount,
  };
  const checks = Object.fromEntries(
    (Object.keys(maxOf) as LimitName[]).map((name) => [
      name,
      app.createRateLimit({ max: maxOf[name], timeWindow: limits.windowMs, keyGenerator }),
    ]),
  ) as Record<LimitName, ReturnType<FastifyInstance['createRateLimit']>>;
  return {
    async take(name, key, request) {
      // An IPv6 client holds a whole /64: counted as one address, as the plugin does, so it
      // cannot step round its limit by changing the low bits.
      keys.set(request, `${name}:${name === 'address' ? rateLimit.normalizeIP(key) : key}`);
      const verdict = await checks[name](request);
      if (verdict.isAllowed || !verdict.isExceeded) return;
      metrics.rateLimited.inc({ limit: name });
      const retryAfterSeconds = Math.max(1, verdict.ttlInSeconds);
      throw new CallgateError(
        'rate_limited',
        `too many requests (${name} limit, ${verdict.max} a window); retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds, limit: name },
      );
    },
  };
}

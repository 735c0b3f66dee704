import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/database.js';
import { type ReadRouter, type ReadRoutingCounters, primaryOnly } from '../store/read-replica.js';
import type { Redis } from 'ioredis';
import { defaultConfig } from '../config.js';
import {
  type Dialer,
  type EmergencyCallPredicate,
  isEmergencyHookCall,
} from '../telephony/outbound.js';

export type { Dialer };
import { recordingDialer } from '../telephony/dialer.js';
import { PolicyCache } from '../telephony/policy.js';
import { Metrics } from './metrics.js';
import type { RateLimits } from './rate-limits.js';
import { Secrets, parseSecretKey } from '../telephony/secrets.js';
import {
  DEFAULT_SIGN_IN_LIMITS,
  SignInLimits,
  type SignInLimitsConfig,
} from '../telephony/sign-in-limits.js';
import {
  DEFAULT_TOKEN_LIFETIMES,
  type TokenLifetimes,
  TokenVerifier,
  checkTokenLifetimes,
} from '../telephony/tokens.js';

export interface ServiceConfig {
  /** CALLGATE_OPERATOR_TOKEN; operator endpoints are disabled without it. */
  readonly operatorToken: string | undefined;
  /** Where recordings are kept. */
  readonly dataDir: string;
  /** The largest recording accepted, in bytes. */
  readonly maxRecordingBytes: number;
  /** How long a signed recording URL lives. */
  readonly signedUrlTtlSeconds: number;
  /**
   * How long tokens live when minted without a lifetime, and at most (CALLGATE_TOKEN_DEFAULT_TTL_SECONDS,
   * CALLGATE_TOKEN_MAX_TTL_SECONDS; defaults in telephony/tokens.ts).
   */
  readonly tokenLifetimes: TokenLifetimes;
  /** Wrong passwords forgiven per account+email and per address, and the backoff after. */
  readonly signInLimits: SignInLimitsConfig;
  /** Requests allowed per window and key; `false` for none (benchmarks, suites from one address). */
  readonly rateLimits: RateLimits | false;
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or CIDRs. */
  readonly trustProxy: readonly string[];
  /** CALLGATE_METRICS_TOKEN: `GET /metrics` on the main port answers to it; closed without. */
  readonly metricsToken: string | undefined;
}

/** What the routes work with; built once by the server and handed to every route module. */
export interface Services {
  readonly store: Store;
  readonly policies: PolicyCache;
  readonly tokens: TokenVerifier;
  /** Failed sign-ins, counted to slow down guessing. */
  readonly signIns: SignInLimits;
  readonly secrets: Secrets;
  readonly config: ServiceConfig;
  /** Places allowed outbound calls; the default records the call as placed. */
  readonly dialer: Dialer;
  /**
   * Where the reads a replica may serve go (call lists, details, statistics, the audit
   * log); without a replica configured, the primary serves them all.
   */
  readonly reads: ReadRouter;
  /**
   * The read-routing metric: how many of those reads the replica served, and how many went
   * to the primary because the replica was unreachable (`primaryFallback`), lagged beyond
   * the bound (`lagged`) or had not yet replayed the reader's own last write or the policy
   * version their request was decided on (`notYetReplayed`).
   * Plain monotonic counters until the metrics registry (prom-client) exports them.
   */
  readonly readRouting: Readonly<ReadRoutingCounters>;
  readonly metrics: Metrics;
  /** Rate limits shared by every server through it; each server counts alone without. */
  readonly redis: Redis | undefined;
  /** Whether a PBX hook request is an emergency call: those are never rate limited (SPEC §5). */
  readonly isEmergencyCall: EmergencyCallPredicate;
  /** The clock: epoch milliseconds. Tests pass their own. */
  now(): number;
}

export interface ServiceOptions extends Partial<ServiceConfig> {
  /** The master key for secrets at rest and signed URLs; read from or written to dataDir when absent. */
  readonly secretKey?: Buffer;
  readonly now?: () => number;
  readonly dialer?: Dialer;
  /** Routes reads to a replica (store/read-replica.ts); all reads are the primary's when absent. */
  readonly reads?: ReadRouter;
  /** The policy cache's memory budget in bytes (CALLGATE_POLICY_CACHE_MIB); 256 MiB when absent. */
  readonly policyCacheBytes?: number;
  readonly redis?: Redis;
  readonly isEmergencyCall?: EmergencyCallPredicate;
}

/** The rate limits of the configuration's defaults (README "Rate limits"). */
export function defaultRateLimits(): RateLimits {
  const config = defaultConfig();
  return {
    windowMs: config.rateLimitWindowSeconds * 1000,
    perAddress: config.rateLimitPerAddress,
    perToken: config.rateLimitPerToken,
    pbxPerToken: config.rateLimitPbxPerToken,
    perAccount: config.rateLimitPerAccount,
  };
}

/** Wires the services for one store. */
export function createServices(store: Store, options: ServiceOptions = {}): Services {
  const dataDir = options.dataDir ?? './data';
  const now = options.now ?? Date.now;
  const signInLimits = options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;
  const reads = options.reads ?? primaryOnly(store);
  const metrics = new Metrics(store);
  const services: Services = {
    store,
    policies: new PolicyCache({
      ...(options.policyCacheBytes !== undefined && { maxBytes: options.policyCacheBytes }),
      observer: {
        hit: () => metrics.policyCache.inc({ result: 'hit' }),
        miss: (seconds) => {
          metrics.policyCache.inc({ result: 'miss' });
          metrics.policyCompile.observe(seconds);
        },
      },
    }),
    tokens: new TokenVerifier(),
    signIns: new SignInLimits(signInLimits),
    secrets: new Secrets(options.secretKey ?? loadOrCreateKey(dataDir)),
    config: {
      operatorToken: options.operatorToken,
      dataDir,
      maxRecordingBytes: options.maxRecordingBytes ?? 50 * 1024 * 1024,
      signedUrlTtlSeconds: options.signedUrlTtlSeconds ?? 300,
      tokenLifetimes: checkTokenLifetimes(options.tokenLifetimes ?? DEFAULT_TOKEN_LIFETIMES),
      signInLimits,
      rateLimits: options.rateLimits ?? defaultRateLimits(),
      trustProxy: options.trustProxy ?? [],
      metricsToken: options.metricsToken,
    },
    dialer: options.dialer ?? recordingDialer(store.db, now),
    reads,
    readRouting: reads.counters,
    metrics,
    redis: options.redis,
    // The one place the rate limits learn which hook requests are emergency calls (the
    // short-number metadata and the account's own list); tests may stand in for it.
    isEmergencyCall: options.isEmergencyCall ?? isEmergencyHookCall,
    now,
  };
  metrics.watch(() => services.policies.stats(), services.readRouting);
  return services;
}

/**
 * A key kept beside the data (mode 0600) for installations that set no
 * CALLGATE_SECRET_KEY: fine for one server; several servers must share one key.
 */
function loadOrCreateKey(dataDir: string): Buffer {
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) return parseSecretKey(readFileSync(path, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64'), { mode: 0o600 });
  return key;
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/database.js';
import type { ReadRoutingCounters } from '../store/read-replica.js';
import type { PolicyCacheStats } from '../telephony/policy.js';

/**
 * The service's Prometheus metrics (prom-client), in a registry of its own per service so
 * that several apps in one process (the tests) count apart. README "Metrics" lists them.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'callgate_http_requests_total',
    help: 'HTTP requests answered, by method, route (the pattern, not the URL) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'callgate_http_request_duration_seconds',
    help: 'HTTP request latency, from the request to the last byte of the answer, by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'callgate_decisions_total',
    help: 'permission decisions answered (checks, outbound calls), by permission and outcome',
    labelNames: ['permission', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly hookAnswers = new Counter({
    name: 'callgate_pbx_hook_answers_total',
    help: 'PBX hook answers, by destination classification, the rule that decided and outcome',
    labelNames: ['classification', 'rule', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly emergencyCalls = new Counter({
    name: 'callgate_emergency_calls_total',
    help: 'calls to emergency numbers answered by the PBX hook (always allowed, never rate limited)',
    registers: [this.registry],
  });
  readonly policyCache = new Counter({
    name: 'callgate_policy_cache_total',
    help: 'compiled-policy look-ups, by result: hit (current policy reused) or miss (compiled)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly policyCompile = new Histogram({
    name: 'callgate_policy_compile_seconds',
    help: 'time to load and compile an account policy on a cache miss',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'callgate_rate_limited_total',
    help: 'requests refused with 429, by the limit they met (address, token, pbxToken, account)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly sweepRuns = new Counter({
    name: 'callgate_recording_sweep_runs_total',
    help: 'retention sweeps run, by outcome (ok, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly sweepDeleted = new Counter({
    name: 'callgate_recording_sweep_deleted_total',
    help: 'recordings deleted by the retention sweep',
    registers: [this.registry],
  });
  readonly sweepHeld = new Counter({
    name: 'callgate_recording_sweep_held_total',
    help: 'recordings past retention kept because they are under legal hold (counted each sweep)',
    registers: [this.registry],
  });
  readonly sweepLastRun = new Gauge({
    name: 'callgate_recording_sweep_last_run_timestamp_seconds',
    help: 'when the last retention sweep finished (Unix time)',
    registers: [this.registry],
  });

  constructor(store?: Store) {
    collectDefaultMetrics({ register: this.registry, prefix: 'callgate_' });
    const pool = store?.poolStats;
    if (pool === undefined) return;
    // Read at scrape time: the pool keeps these counts itself.
    new Gauge({
      name: 'callgate_db_pool_connections',
      help: 'database pool connections, by state (total, idle); PostgreSQL only',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = pool();
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
      },
    });
    new Gauge({
      name: 'callgate_db_pool_waiting',
      help: 'queries waiting for a free database connection now; PostgreSQL only',
      registers: [this.registry],
      collect() {
        this.set(pool().waiting);
      },
    });
  }

  /**
   * The policy cache's size and the read router's counts, read at scrape time from the
   * objects that keep them (telephony/ and store/ know nothing of prom-client).
   */
  watch(policyCache: () => PolicyCacheStats, reads: Readonly<ReadRoutingCounters>): void {
    new Gauge({
      name: 'callgate_policy_cache_bytes',
      help: 'estimated memory of the compiled policies held, and the budget (--policy-cache-mib)',
      labelNames: ['of'] as const,
      registers: [this.registry],
      collect() {
        const stats = policyCache();
        this.set({ of: 'held' }, stats.bytes);
        this.set({ of: 'budget' }, stats.maxBytes);
      },
    });
    new Gauge({
      name: 'callgate_policy_cache_accounts',
      help: 'accounts whose compiled policy the cache holds',
      registers: [this.registry],
      collect() {
        this.set(policyCache().entries);
      },
    });
    new Counter({
      name: 'callgate_read_routing_total',
      help: "reads a replica may serve (lists, details, statistics, audit log), by where they went: replica, or the primary because the replica was unreachable (primaryFallback), lagged (lagged) or had not replayed the reader's own write (notYetReplayed)",
      labelNames: ['to'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [to, count] of Object.entries(reads)) this.inc({ to }, count);
      },
    });
  }
}

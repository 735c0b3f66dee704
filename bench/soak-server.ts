/**
 * The server half of the soak (bench/soak.ts): a child process that runs the real service
 * (`startServer`, real sockets on 127.0.0.1) over the database the driver prepared, so the
 * heap it reports is the server's alone and the driver has the other core.
 *
 * Started by `fork`, it talks over the IPC channel: `{ type: 'loaded' }` once its modules
 * are loaded; then `{ type: 'start', config }` starts the server, answered by
 * `{ type: 'listening', url }`; each `{ type: 'memory', id }` is answered by
 * `{ type: 'memory', id, usage, loopDelayMaxMs }` (after a forced collection, when run with
 * --expose-gc; the event loop's longest stall since the last sample, before that collection);
 * `{ type: 'stop' }` closes the server and exits.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type RunningServer, startServer } from '../src/api/server.js';
import type { Services } from '../src/api/services.js';
import type { Executor } from '../src/store/database.js';
import { PolicyCache, type PolicyState } from '../src/telephony/policy.js';

/**
 * Faults the driver's self-test injects, to prove the soak can fail: `stale-policy` keeps
 * the first compiled policy forever (a cache that misses invalidation), `leak` keeps 128 KB
 * of heap per request.
 */
export type SoakFault = 'stale-policy' | 'leak';

export interface SoakServerConfig {
  readonly db: string;
  readonly dataDir: string;
  readonly faults: readonly SoakFault[];
}

export type SoakServerRequest =
  | { readonly type: 'start'; readonly config: SoakServerConfig }
  | { readonly type: 'memory'; readonly id: number }
  | { readonly type: 'stop' };

export type SoakServerMessage =
  | { readonly type: 'loaded' }
  | { readonly type: 'listening'; readonly url: string }
  | {
      readonly type: 'memory';
      readonly id: number;
      readonly usage: NodeJS.MemoryUsage;
      readonly loopDelayMaxMs: number;
      /** How long the forced collection took: it stalls the server too, in the next sample. */
      readonly gcMs: number;
    };

/** A policy cache that never sees a change after its first load: the bug the soak must catch. */
class StalePolicyCache extends PolicyCache {
  readonly #first = new Map<string, PolicyState>();

  override async get(db: Executor, accountId: string, now?: number): Promise<PolicyState> {
    const state = this.#first.get(accountId) ?? (await super.get(db, accountId, now));
    this.#first.set(accountId, state);
    return state;
  }
}

/** A policy cache that keeps garbage on every request: the leak the memory bound must catch. */
class LeakyPolicyCache extends PolicyCache {
  readonly #kept: number[][] = [];
  readonly #inner: PolicyCache;

  constructor(inner: PolicyCache) {
    super();
    this.#inner = inner;
  }

  override get(db: Executor, accountId: string, now?: number): Promise<PolicyState> {
    this.#kept.push(new Array<number>(16_384).fill(this.#kept.length + 0.5));
    return this.#inner.get(db, accountId, now);
  }
}

function injectFaults(services: Services, faults: readonly SoakFault[]): void {
  let policies: PolicyCache = services.policies;
  if (faults.includes('stale-policy')) policies = new StalePolicyCache();
  if (faults.includes('leak')) policies = new LeakyPolicyCache(policies);
  // Services are readonly to the routes; a self-test swaps the cache before the first request.
  if (policies !== services.policies) Object.assign(services, { policies });
}

async function start(config: SoakServerConfig): Promise<RunningServer> {
  return startServer({
    db: config.db,
    port: 0,
    host: '127.0.0.1',
    dataDir: config.dataDir,
    logs: false,
    // Every client of the soak comes from 127.0.0.1: the per-address limit would refuse them.
    rateLimits: false,
    prepare: (services) => Promise.resolve(injectFaults(services, config.faults)),
  });
}

function main(): void {
  const send = (message: SoakServerMessage) => process.send?.(message);
  const gc = (globalThis as { gc?: () => void }).gc;
  // A slow answer is either the server's own work or a stall of the whole process (a loaded
  // machine): the event loop's delay tells them apart.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let server: Promise<RunningServer> | undefined;
  process.on('message', (message: SoakServerRequest) => {
    if (message.type === 'start') {
      server = start(message.config);
      server.then(
        (running) => {
          // Start-up (compiling modules, opening the store) is not a stall under load.
          loopDelay.reset();
          send({ type: 'listening', url: running.url });
        },
        (error: unknown) => {
          process.stderr.write(`soak server: ${(error as Error).stack}\n`);
          process.exit(1);
        },
      );
    } else if (message.type === 'memory') {
      const loopDelayMaxMs = loopDelay.max / 1e6;
      loopDelay.reset();
      const started = performance.now();
      gc?.();
      const gcMs = performance.now() - started;
      send({ type: 'memory', id: message.id, usage: process.memoryUsage(), loopDelayMaxMs, gcMs });
    } else {
      void (server ?? Promise.resolve(undefined))
        .then((running) => running?.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    }
  });
  // The driver going away (a failed test, ^C) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  // The modules are loaded (most of the start-up): the driver may seed meanwhile, then start us.
  send({ type: 'loaded' });
}

main();

import { readFileSync } from 'node:fs';
import type { FastifyServerOptions } from 'fastify';
import { openStore } from '../store/database.js';
import { type ReadRouter, replicaRouter } from '../store/read-replica.js';
import { localRecordingStorage } from '../telephony/recording-storage.js';
import { sweepRecordingStorage } from '../telephony/recordings.js';
import { parseSecretKey } from '../telephony/secrets.js';
import { DEFAULT_TOKEN_LIFETIMES, type TokenLifetimes } from '../telephony/tokens.js';
import { type App, buildApp } from './app.js';
import { type ServiceConfig, createServices, type Services } from './services.js';

export interface ServerOptions {
  readonly db: string;
  /**
   * A PostgreSQL hot standby of `db` that serves call lists, details, statistics and the
   * audit log (CALLGATE_READ_DATABASE_URL, --read-db); none when absent.
   */
  readonly readDb?: string;
  /** The replica's lag beyond which its reads go to the primary (CALLGATE_READ_MAX_LAG_SECONDS). */
  readonly readMaxLagSeconds?: number;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Runs after the store is open and before the server listens (the demo seeds here). */
  readonly prepare?: (services: Services, app: App) => Promise<void>;
  /** False for no logs (benchmarks); JSON lines otherwise. */
  readonly logs?: boolean;
  /** Where the log lines go instead of stdout (the test that greps them for secrets). */
  readonly logStream?: { write(line: string): void };
  /**
   * Requests a second per token and per address; the defaults of createServices when
   * absent. A load test on loopback sends everything from one address, so it lifts them.
   */
  readonly rateLimits?: ServiceConfig['rateLimits'];
  /** Serve HTTPS (Bitrix24 clients require it) with this certificate and key, PEM files. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

export interface RunningServer {
  readonly app: App;
  /** Where it listens, as `http://host:port` (`https://` with TLS). */
  readonly url: string;
  /** Stops listening (in-flight requests finish) and closes the store. */
  close(): Promise<void>;
}

/**
 * Signed URLs carry their signature in the query, and a client may put a token or a
 * password there by mistake: the value of any parameter whose name looks like a secret's is
 * left out of the logs. The names are matched loosely (`access_token`, `apiKey`, `sig`…).
 * An incoming webhook carries its secret in the path (`/rest/<userNumber>/<secret>/…`).
 */
export function redactQuery(url: string): string {
  return url
    .replace(/^(\/rest\/\d+\/)[^/?]+/, '$1[redacted]')
    .replace(/([?&][^=&]*(?:sig|token|passw|secret|key|csrf|auth)[^=&]*=)[^&]*/gi, '$1[redacted]');
}

/** Logs as JSON lines; the secrets a request can carry are never written. */
export const LOGGER: FastifyServerOptions['logger'] = {
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
    censor: '[redacted]',
  },
  serializers: {
    req: (req: { method: string; url: string; ip?: string }) => ({
      method: req.method,
      url: redactQuery(req.url),
      remoteAddress: req.ip,
    }),
  },
};

/**
 * Token lifetimes from CALLGATE_TOKEN_DEFAULT_TTL_SECONDS and CALLGATE_TOKEN_MAX_TTL_SECONDS,
 * each falling back to its default (telephony/tokens.ts); createServices refuses nonsense.
 */
export function tokenLifetimesFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): TokenLifetimes {
  const seconds = (name: string, fallback: number): number => {
    const text = env[name]?.trim();
    if (text === undefined || text === '') return fallback;
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number of seconds`);
    return Number(text);
  };
  return {
    defaultTtlSeconds: seconds(
      'CALLGATE_TOKEN_DEFAULT_TTL_SECONDS',
      DEFAULT_TOKEN_LIFETIMES.defaultTtlSeconds,
    ),
    maxTtlSeconds: seconds('CALLGATE_TOKEN_MAX_TTL_SECONDS', DEFAULT_TOKEN_LIFETIMES.maxTtlSeconds),
  };
}

/** How long a recording file must have been left alone before the start-up sweep removes it. */
const SWEEP_GRACE_SECONDS = 15 * 60;

/**
 * Starts the service: opens the store, builds the app, listens, and closes both cleanly on
 * SIGINT/SIGTERM (in-flight requests finish; new ones get 503).
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const startedAt = Date.now();
  const store = await openStore(options.db);
  let reads: ReadRouter | undefined;
  // The app's logger once there is one; before, the first poll's warning goes to stderr.
  let warn = (message: string): void => void process.stderr.write(`${message}\n`);
  if (options.readDb !== undefined) {
    try {
      // An unreachable replica does not stop the server: its reads go to the primary.
      reads = await replicaRouter(store, await openStore(options.readDb, { readOnly: true }), {
        maxLagMs: (options.readMaxLagSeconds ?? 5) * 1000,
        warn: (message) => warn(message),
      });
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const key = process.env.CALLGATE_SECRET_KEY;
  const services = createServices(store, {
    operatorToken: process.env.CALLGATE_OPERATOR_TOKEN || undefined,
    dataDir: options.dataDir,
    ...(key ? { secretKey: parseSecretKey(key) } : {}),
    ...(options.rateLimits !== undefined && { rateLimits: options.rateLimits }),
    tokenLifetimes: tokenLifetimesFromEnvironment(process.env),
    ...(reads !== undefined && { reads }),
  });
  const logger =
    options.logs === false
      ? false
      : options.logStream === undefined
        ? LOGGER
        : { ...(LOGGER as object), stream: options.logStream };
  const app = await buildApp(services, {
    logger,
    ...(options.tls !== undefined && {
      https: { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
    }),
  });
  warn = (message) => app.log.warn(message);
  // What a crash (a kill, a power cut) left in the recordings folder goes before we listen.
  // Only files untouched for the grace period: on a volume several servers share, a file
  // written moments ago may be another server's upload still on its way to its commit.
  const graceSeconds = Number(process.env.CALLGATE_SWEEP_GRACE_SECONDS ?? SWEEP_GRACE_SECONDS);
  const swept = await sweepRecordingStorage(store.db, localRecordingStorage(options.dataDir), {
    before: startedAt - (Number.isFinite(graceSeconds) ? graceSeconds : SWEEP_GRACE_SECONDS) * 1000,
  });
  if (swept.staged + swept.unreferenced > 0)
    app.log.info(swept, 'removed recording files a crash left behind');
  await options.prepare?.(services, app);
  const close = async () => {
    await app.close();
    await services.reads.close();
    await store.close();
  };
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    void close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const url =
    typeof address === 'object' && address !== null
      ? `${options.tls === undefined ? 'http' : 'https'}://${address.address}:${address.port}`
      : String(address);
  return { app, url, close };
}

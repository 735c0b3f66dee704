import { readFileSync } from 'node:fs';
import type { FastifyServerOptions } from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { type Config, SETTINGS, resolveConfig } from '../config.js';
import { openStore } from '../store/database.js';
import { type ReadRouter, replicaRouter } from '../store/read-replica.js';
import { localRecordingStorage } from '../telephony/recording-storage.js';
import { sweepRecordingStorage } from '../telephony/recordings/sweep.js';
import { parseSecretKey } from '../telephony/secrets.js';
import { type App, buildApp } from './app.js';
import { scheduleCallPartitions } from './partitions.js';
import { scheduleRetentionSweep } from './retention.js';
import { isLive, readiness } from '../telephony/health.js';
import { type ServiceConfig, createServices, type Services } from './services.js';

export interface ServerOptions extends Partial<Config> {
  /** Runs after the store is open and before the server listens (the demo seeds here). */
  readonly prepare?: (services: Services, app: App) => Promise<void>;
  /** False for no logs (benchmarks); JSON lines otherwise. */
  readonly logs?: boolean;
  /** Where the log lines go instead of stdout (the test that greps them for secrets). */
  readonly logStream?: { write(line: string): void };
  /**
   * The rate limits when not those of the configuration: `false` for none (a load test on
   * loopback sends everything from one address).
   */
  readonly rateLimits?: ServiceConfig['rateLimits'];
  /** Serve HTTPS (Bitrix24 clients require it) with this certificate and key, PEM files; by default `tlsCert` and `tlsKey`. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

export interface RunningServer {
  readonly app: App;
  /** Where it listens, as `http://host:port` (`https://` with TLS). */
  readonly url: string;
  /** Where the metrics port listens, when there is one. */
  readonly metricsUrl?: string;
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
export const loggerOptions = (level: string): FastifyServerOptions['logger'] => ({
  level,
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
});

/**
 * Starts the service: opens the store, builds the app, listens, and closes both cleanly on
 * SIGINT/SIGTERM (in-flight requests finish; new ones get 503).
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const startedAt = Date.now();
  // What the caller left out comes from the environment and the defaults, as for `serve`.
  const given = Object.fromEntries(
    Object.entries(options).filter(([name, value]) => name in SETTINGS && value !== undefined),
  );
  const config: Config = { ...resolveConfig({ env: process.env }), ...given };
  const tls =
    options.tls ??
    (config.tlsCert !== undefined && config.tlsKey !== undefined
      ? { certFile: config.tlsCert, keyFile: config.tlsKey }
      : undefined);
  const store = await openStore(config.db);
  let reads: ReadRouter | undefined;
  // The app's logger once there is one; before, the first poll's warning goes to stderr.
  let warn = (message: string): void => void process.stderr.write(`${message}\n`);
  if (config.readDb !== undefined) {
    try {
      // An unreachable replica does not stop the server: its reads go to the primary.
      reads = await replicaRouter(store, await openStore(config.readDb, { readOnly: true }), {
        maxLagMs: config.readMaxLagSeconds * 1000,
        warn: (message) => warn(message),
      });
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(config.redisUrl);
  const logger =
    options.logs === false
      ? false
      : options.logStream === undefined
        ? loggerOptions(config.logLevel)
        : { ...(loggerOptions(config.logLevel) as object), stream: options.logStream };
  const services = createServices(store, {
    operatorToken: config.operatorToken,
    dataDir: config.dataDir,
    ...(config.secretKey !== undefined && { secretKey: parseSecretKey(config.secretKey) }),
    maxRecordingBytes: config.maxRecordingBytes,
    signedUrlTtlSeconds: config.signedUrlTtlSeconds,
    rateLimits:
      options.rateLimits !== undefined
        ? options.rateLimits
        : {
            windowMs: config.rateLimitWindowSeconds * 1000,
            perAddress: config.rateLimitPerAddress,
            perToken: config.rateLimitPerToken,
            pbxPerToken: config.rateLimitPbxPerToken,
            perAccount: config.rateLimitPerAccount,
          },
    trustProxy: config.trustProxy,
    metricsToken: config.metricsToken,
    tokenLifetimes: {
      defaultTtlSeconds: config.tokenDefaultTtlSeconds,
      maxTtlSeconds: config.tokenMaxTtlSeconds,
    },
    policyCacheBytes: config.policyCacheMib * 2 ** 20,
    ...(redis !== undefined && { redis }),
    ...(reads !== undefined && { reads }),
  });
  const app = await buildApp(services, {
    logger,
    ...(tls !== undefined && {
      https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
    }),
  });
  warn = (message) => app.log.warn(message);
  // What a crash (a kill, a power cut) left in the recordings folder goes before we listen.
  // Only files untouched for the grace period: on a volume several servers share, a file
  // written moments ago may be another server's upload still on its way to its commit.
  const storage = localRecordingStorage(config.dataDir);
  const swept = await sweepRecordingStorage(store.db, storage, {
    before: startedAt - config.sweepGraceSeconds * 1000,
  });
  if (swept.staged + swept.unreferenced > 0)
    app.log.info(swept, 'removed recording files a crash left behind');
  await options.prepare?.(services, app);
  const retention = scheduleRetentionSweep(services, storage, app.log, config);
  const partitions = await scheduleCallPartitions(services, app.log, config);
  const metricsServer =
    config.metricsPort === undefined ? undefined : await serveMetrics(services, config);
  const close = async () => {
    retention.stop();
    partitions.stop();
    await metricsServer?.close();
    await app.close();
    await services.reads.close();
    await store.close();
    // Leaving on purpose is not Redis going away: no warning for it.
    redis?.removeAllListeners('end');
    redis?.disconnect();
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
  await app.listen({ port: config.port, host: config.host });
  return {
    app,
    url: urlOf(app.server.address(), tls === undefined ? 'http' : 'https'),
    ...(metricsServer !== undefined && { metricsUrl: metricsServer.url }),
    close,
  };
}

const urlOf = (address: string | AddressInfo | null, scheme = 'http'): string =>
  typeof address === 'object' && address !== null
    ? `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
    : String(address);

/**
 * A Redis client for the shared rate limits that never holds a request up: no offline
 * queue (a command while disconnected fails at once, and the limits fall back to this
 * server's own count), a short command timeout, and reconnection in the background.
 */
async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Without a listener an unreachable Redis would end the process; the store logs it once.
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}

/**
 * The metrics port: `/metrics`, `/healthz` and `/readyz` without a token, for a scraper
 * and probes on a network the public does not reach (by default, loopback only).
 */
async function serveMetrics(
  services: Services,
  config: Config,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const answer = async (): Promise<[number, string, string]> => {
      if (path === '/metrics')
        return [
          200,
          services.metrics.registry.contentType,
          await services.metrics.registry.metrics(),
        ];
      if (path === '/healthz')
        return (await isLive(services.store))
          ? [200, 'application/json', '{"status":"ok"}']
          : [503, 'application/json', '{"status":"unavailable"}'];
      if (path === '/readyz') {
        const { ready, reason } = await readiness(services.store);
        return [
          ready ? 200 : 503,
          'application/json',
          JSON.stringify(ready ? { status: 'ok' } : { status: 'unavailable', reason }),
        ];
      }
      return [404, 'application/json', '{"error":{"code":"not_found","message":"not found"}}'];
    };
    answer().then(
      ([status, type, body]) => response.writeHead(status, { 'content-type': type }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metricsPort, config.metricsHost, () => resolve());
  });
  return {
    url: urlOf(server.address()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

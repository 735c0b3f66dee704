import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../src/store/database.js';
import { createAccount } from '../src/telephony/accounts.js';
import { importCalls } from '../src/telephony/calls.js';
import { importDirectory } from '../src/telephony/directory.js';
import { createApp, mintToken } from '../src/telephony/tokens.js';

/**
 * The fault suites' tools: the real server as a child process (`callgate serve`, killed with
 * SIGKILL and started again on the same database and data directory), requests over real
 * sockets, and a TCP proxy that cuts the server off from PostgreSQL the way a restart does.
 */

const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
export const OPERATOR_TOKEN = 'operator-secret-for-fault-tests';
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');

/** A `callgate serve` process that listens on a free port. */
export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  /** SIGKILL: no shutdown hook runs, open transactions and files are cut where they are. */
  kill(): Promise<void>;
  /** Everything it printed, for a failing test's message. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
}

/**
 * Starts `callgate serve` on `db` and `dataDir` and waits until it listens; `extra` adds
 * flags and environment variables (the operations suite sets limits, proxies and Redis).
 */
export async function startServerProcess(
  db: string,
  dataDir: string,
  extra: { readonly args?: readonly string[]; readonly env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--db', db, '--port', '0', '--data-dir', dataDir, ...(extra.args ?? [])],
    {
      env: {
        ...process.env,
        CALLGATE_OPERATOR_TOKEN: OPERATOR_TOKEN,
        CALLGATE_SECRET_KEY: SECRET_KEY,
        // One server per data directory here: what the killed one left is swept at once.
        CALLGATE_SWEEP_GRACE_SECONDS: '0',
        LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
        ...extra.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /callgate listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    kill: () => killProcess(child, exited),
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

async function killProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

/** An HTTP answer, or how the request ended without one. */
export type Outcome =
  | { readonly kind: 'answered'; readonly status: number; readonly body: string }
  | { readonly kind: 'cut'; readonly error: string };

/** Where a request stood when the server died. */
export interface Tracked {
  /** Resolves with the answer, or with `cut` when the connection died first. */
  readonly outcome: Promise<Outcome>;
  /** The whole body was handed to the socket. */
  bodySent(): boolean;
  answered(): boolean;
  /** Drops the connection from the client's side, as a client that goes away does. */
  abort(): void;
}

/**
 * Sends a request with `body` written in `chunks` pieces, `pauseMs` apart (a slow upload),
 * or at once. A fresh connection each time, so a kill cuts exactly this request.
 */
export function send(
  server: { readonly port: number },
  method: string,
  path: string,
  options: {
    readonly token?: string;
    readonly headers?: Record<string, string>;
    readonly body?: Buffer | string;
    readonly chunks?: number;
    readonly pauseMs?: number;
  } = {},
): Tracked {
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(options.body);
  let sent = body === undefined;
  let done = false;
  let request: http.ClientRequest | undefined;
  const outcome = new Promise<Outcome>((resolve) => {
    request = http.request({
      host: '127.0.0.1',
      port: server.port,
      method,
      path,
      agent: false,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        ...options.headers,
      },
    });
    const finish = (result: Outcome) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    const req = request;
    let responded = false;
    req.on('response', (response) => {
      responded = true;
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () =>
        finish({
          kind: 'answered',
          status: response.statusCode ?? 0,
          body: Buffer.concat(parts).toString(),
        }),
      );
      response.on('error', (error) => finish({ kind: 'cut', error: error.message }));
      // 'end' comes before 'close' when the whole answer arrived.
      response.on('close', () => finish({ kind: 'cut', error: 'answer cut short' }));
    });
    req.on('error', (error) => finish({ kind: 'cut', error: error.message }));
    req.on('close', () => {
      if (!responded) finish({ kind: 'cut', error: 'connection closed' });
    });
    if (body === undefined) {
      req.end();
      return;
    }
    const pieces = Math.max(1, options.chunks ?? 1);
    const size = Math.ceil(body.length / pieces);
    let offset = 0;
    const next = () => {
      if (done) return;
      const piece = body.subarray(offset, offset + size);
      offset += piece.length;
      if (offset >= body.length) {
        req.end(piece, () => void (sent = true));
        return;
      }
      req.write(piece);
      setTimeout(next, options.pauseMs ?? 0);
    };
    next();
  });
  return {
    outcome,
    bodySent: () => sent,
    answered: () => done,
    abort: () => void request?.destroy(),
  };
}

/** Sends a request and waits for its answer; the body is JSON when it is not a Buffer. */
export async function call(
  server: { readonly port: number },
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const payload =
    body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        agent: false,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }),
        },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => parts.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * A TCP proxy in front of PostgreSQL. `cut()` is what a database restart looks like to a
 * client: every open connection dies and new ones are refused; `restore()` listens again on
 * the same port.
 */
export interface Proxy {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed.catch(() => undefined);
  };
  return {
    port,
    cut: stop,
    restore: () => listen(port),
    close: async () => {
      if (server.listening) await stop();
    },
  };
}

/** Every file under `dir`, as paths relative to it. */
export function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    let entries;
    try {
      entries = readdirSync(join(dir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk('');
  return found;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A file's size and SHA-256, or undefined when it is missing. */
export function fileDigest(path: string): { size: number; sha256: string } | undefined {
  try {
    return { size: statSync(path).size, sha256: sha256(readFileSync(path)) };
  } catch {
    return undefined;
  }
}

/** A WAV file of `bytes` bytes: a valid header, then a pattern, so every upload differs. */
export function wav(bytes: number, seed: number): Buffer {
  const data = Buffer.alloc(bytes);
  data.write('RIFF', 0, 'latin1');
  data.writeUInt32LE(bytes - 8, 4);
  data.write('WAVEfmt ', 8, 'latin1');
  for (let i = 16; i < bytes; i++) data[i] = (i * 31 + seed * 7) & 0xff;
  return data;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The company of the fault suites: `users` people under one root, and how to reach them. */
export interface FaultCompany {
  /** An administrator's user token (telephony scope). */
  readonly adminToken: string;
  /** An application token acting for the administrator with every scope. */
  readonly appToken: string;
  /** A plain employee's token: may not see other people's calls. */
  readonly employeeToken: string;
  readonly users: number;
}

/**
 * Seeds account `acme` (enterprise plan) with a root department and `users` users (u0 the
 * administrator), calls `call-0`…`call-<calls-1>` owned by u1, and tokens.
 */
export async function seedFaultCompany(
  store: Store,
  users: number,
  calls: number,
): Promise<FaultCompany> {
  const now = Date.now();
  return store.db.transaction().execute(async (trx) => {
    await createAccount(trx, { id: 'acme', name: 'Acme', plan: 'enterprise' }, 'operator', now);
    await importDirectory(
      trx,
      'acme',
      {
        departments: [{ id: 'root', name: 'Company', parentId: null, headUserId: 'u0' }],
        users: Array.from({ length: users }, (_, i) => ({
          id: `u${i}`,
          name: `User ${i}`,
          ...(i === 0 && { admin: true }),
          departmentIds: ['root'],
          phones: { extension: String(1000 + i) },
        })),
      },
      'operator',
      now,
    );
    await importCalls(
      trx,
      'acme',
      Array.from({ length: calls }, (_, i) => ({
        where: `[${i}]`,
        record: {
          id: `call-${i}`,
          userId: 'u1',
          direction: 'inbound',
          phoneNumber: '+14155550101',
          startedAt: new Date(now - 86_400_000 + i * 1000).toISOString(),
          durationSec: 60,
          status: 'answered',
        },
      })),
      'operator',
      now,
    );
    await createApp(
      trx,
      'acme',
      { id: 'pbx-app', name: 'PBX', scopes: ['telephony', 'calls.write', 'pbx'] },
      now,
    );
    const mint = async (userId: string, appId?: string) =>
      (
        await mintToken(
          trx,
          'acme',
          { userId, ...(appId && { appId }), ttlSeconds: 3600 },
          'operator',
          now,
        )
      ).token;
    return {
      adminToken: await mint('u0'),
      appToken: await mint('u0', 'pbx-app'),
      employeeToken: await mint('u2'),
      users,
    };
  });
}

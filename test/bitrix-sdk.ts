import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersion, B24Hook } from '@bitrix24/b24jssdk';
import type { Kysely } from 'kysely';
import { generate } from 'selfsigned';
import { type RunningServer, startServer } from '../src/api/server.js';
import type { DialectName } from '../src/store/database.js';
import type { Database } from '../src/store/schema.js';
import { DEMO_ACCOUNT_ID, DEMO_DIRECTORY, seedDemo } from '../src/telephony/demo.js';
import { mintToken } from '../src/telephony/tokens.js';
import { freshDatabase } from './databases.js';

/**
 * The demo company served over HTTPS (a self-signed certificate made here) for suites that
 * drive the Bitrix24 surface through Bitrix24's own SDK (@bitrix24/b24jssdk): a token and an
 * incoming webhook for every active user.
 */

/** A certificate for 127.0.0.1 and localhost that the test's clients trust, and its key. */
export async function makeCertificate(
  dir: string,
): Promise<{ cert: string; certFile: string; keyFile: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { cert: pems.cert, certFile, keyFile };
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** One HTTPS request through an agent that trusts the test's certificate: JSON, or bytes. */
export function send(
  agent: Agent,
  url: string,
  options: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const raw = Buffer.isBuffer(options.body);
    const payload =
      options.body === undefined
        ? undefined
        : raw
          ? (options.body as Buffer)
          : JSON.stringify(options.body);
    const request = httpsRequest(
      url,
      {
        agent,
        method: options.method ?? 'GET',
        headers: {
          ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
          ...(payload !== undefined && !raw && { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = (response.headers['content-type'] ?? '').includes('json');
          resolve({
            status: response.statusCode ?? 0,
            body: text === '' || !json ? null : JSON.parse(text),
            text,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** The SDK, as an application makes it from a webhook URL, trusting the test's CA. */
export function hookFromUrl(url: string, agent: Agent): B24Hook {
  const hook = B24Hook.fromWebhookUrl(url, { restrictionParams: { maxRetries: 1 } });
  hook.offClientSideWarning();
  hook.getHttpClient(ApiVersion.v2).ajaxClient.defaults.httpsAgent = agent;
  return hook;
}

export const ACTIVE_USERS = DEMO_DIRECTORY.users.filter((u) => u.active !== false).map((u) => u.id);

export interface DemoOverHttps {
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly agent: Agent;
  /** Each active user's own token (scopes: telephony, calls.write). */
  readonly tokens: ReadonlyMap<string, string>;
  /** Each active user's incoming webhook URL (scopes: telephony, user). */
  readonly webhooks: ReadonlyMap<string, string>;
  /** The SDK, as an application makes it from a webhook URL, trusting the test's CA. */
  hookOf(userId: string): B24Hook;
  close(): Promise<void>;
}

/** Starts the server over HTTPS on a fresh database of `dialect`, seeded with the demo. */
export async function startDemoOverHttps(dialect: DialectName): Promise<DemoOverHttps> {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-bitrix-'));
  const tls = await makeCertificate(dir);
  const agent = new Agent({ ca: tls.cert, keepAlive: true });
  const database = freshDatabase(dialect);
  const tokens = new Map<string, string>();
  const webhooks = new Map<string, string>();
  let db: Kysely<Database> | undefined;
  const server: RunningServer = await startServer({
    db: database.url,
    port: 0,
    host: '127.0.0.1',
    dataDir: join(dir, 'data'),
    logs: false,
    rateLimits: false,
    tls: { certFile: tls.certFile, keyFile: tls.keyFile },
    prepare: async (services) => {
      db = services.store.db;
      const now = services.now();
      await db.transaction().execute(async (trx) => {
        await seedDemo(trx, now, undefined, { passwords: false });
        for (const userId of ACTIVE_USERS) {
          const minted = await mintToken(
            trx,
            DEMO_ACCOUNT_ID,
            { userId, scopes: ['telephony', 'calls.write'] },
            'operator',
            now,
          );
          tokens.set(userId, minted.token);
        }
      });
    },
  });
  assert.match(server.url, /^https:\/\//);
  // Each user makes their own webhook, as a Bitrix24 user would in their profile.
  for (const userId of ACTIVE_USERS) {
    const created = await send(agent, `${server.url}/api/v1/me/webhooks`, {
      method: 'POST',
      token: tokens.get(userId)!,
      body: { scopes: ['telephony', 'user'] },
    });
    assert.equal(created.status, 201, created.text);
    webhooks.set(userId, (created.body as { url: string }).url);
  }
  return {
    url: server.url,
    db: db!,
    agent,
    tokens,
    webhooks,
    hookOf: (userId) => hookFromUrl(webhooks.get(userId)!, agent),
    async close() {
      agent.destroy();
      await server.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

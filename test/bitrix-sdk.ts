import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersion, B24Hook, B24OAuth, EnumAppStatus } from '@bitrix24/b24jssdk';
import { generate } from 'selfsigned';
import { type RunningServer, startServer } from '../src/api/server.js';
import type { Kysely } from 'kysely';
import type { DialectName } from '../src/store/database.js';
import type { Database } from '../src/store/schema.js';
import { DEMO_ACCOUNT_ID, DEMO_DIRECTORY, seedDemo } from '../src/telephony/demo.js';
import { createApp, mintToken } from '../src/telephony/tokens.js';
import { freshDatabase } from './databases.js';

/**
 * The real server over HTTPS on the demo company, for suites that drive it with Bitrix24's
 * own JavaScript SDK: a self-signed certificate made here, a token and an incoming webhook
 * per active user, and applications registered as the suite asks.
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
          // Not JSON (audio, CSV): the text is the body.
          resolve({
            status: response.statusCode ?? 0,
            body: text === '' ? null : json ? JSON.parse(text) : text,
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

/** Every call a user's `GET /api/v1/calls` lists, page after page; 'forbidden' on 403. */
export async function listRestCallIds(
  agent: Agent,
  baseUrl: string,
  token: string,
): Promise<Set<string> | 'forbidden'> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await send(agent, `${baseUrl}/api/v1/calls?limit=500${query}`, { token });
    if (page.status === 403) return 'forbidden';
    if (page.status !== 200) throw new Error(`${page.status} ${JSON.stringify(page.body)}`);
    const body = page.body as { items: { id: string }[]; nextCursor: string | null };
    for (const item of body.items) ids.add(item.id);
    cursor = body.nextCursor;
  } while (cursor !== null);
  return ids;
}

export const ACTIVE_DEMO_USERS = DEMO_DIRECTORY.users
  .filter((u) => u.active !== false)
  .map((u) => u.id);

/** An application to register on the demo account, with the scopes it may hold. */
export interface DemoApp {
  readonly id: string;
  readonly scopes: readonly string[];
}

export interface BitrixServer {
  readonly url: string;
  readonly agent: Agent;
  readonly db: Kysely<Database>;
  /** Each active user's own token (REST API; scopes telephony and calls.write). */
  readonly tokens: ReadonlyMap<string, string>;
  /** Each active user's incoming webhook URL (telephony and user scopes). */
  readonly webhooks: ReadonlyMap<string, string>;
  /** Per application, each active user's token of it. */
  readonly appTokens: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The SDK from a webhook URL, as an application would make it. */
  hook(userId: string): B24Hook;
  /** The SDK as an installed application acting for a user: B24OAuth with its token. */
  app(appId: string, userId: string): B24OAuth;
  close(): Promise<void>;
}

/** Starts the server over HTTPS on a fresh database with the demo company. */
export async function startBitrixServer(
  dialect: DialectName,
  apps: readonly DemoApp[] = [],
): Promise<BitrixServer> {
  const dir = mkdtempSync(join(tmpdir(), 'callgate-bitrix-'));
  const tls = await makeCertificate(dir);
  const agent = new Agent({ ca: tls.cert, keepAlive: true });
  const database = freshDatabase(dialect);
  const tokens = new Map<string, string>();
  const appTokens = new Map<string, Map<string, string>>();
  let db: Kysely<Database> | undefined;
  let server: RunningServer;
  try {
    server = await startServer({
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
          for (const userId of ACTIVE_DEMO_USERS)
            tokens.set(
              userId,
              (
                await mintToken(
                  trx,
                  DEMO_ACCOUNT_ID,
                  { userId, scopes: ['telephony', 'calls.write'] },
                  'operator',
                  now,
                )
              ).token,
            );
          for (const app of apps) {
            await createApp(trx, DEMO_ACCOUNT_ID, { ...app, name: app.id }, now);
            const byUser = new Map<string, string>();
            for (const userId of ACTIVE_DEMO_USERS) {
              const minted = await mintToken(
                trx,
                DEMO_ACCOUNT_ID,
                { userId, appId: app.id },
                'operator',
                now,
              );
              byUser.set(userId, minted.token);
            }
            appTokens.set(app.id, byUser);
          }
        });
      },
    });
  } catch (error) {
    agent.destroy();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const webhooks = new Map<string, string>();
  // Each user makes their own webhook, as a Bitrix24 user would in their profile.
  for (const userId of ACTIVE_DEMO_USERS) {
    const created = await send(agent, `${server.url}/api/v1/me/webhooks`, {
      method: 'POST',
      token: tokens.get(userId)!,
      body: { scopes: ['telephony', 'user'] },
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    webhooks.set(userId, (created.body as { url: string }).url);
  }
  const url = server.url;
  return {
    url,
    agent,
    db: db!,
    tokens,
    webhooks,
    appTokens,
    hook(userId) {
      return hookFromUrl(webhooks.get(userId)!, agent);
    },
    app(appId, userId) {
      const token = appTokens.get(appId)?.get(userId);
      if (token === undefined) throw new Error(`no token of ${appId} for ${userId}`);
      const sdk = new B24OAuth(
        {
          applicationToken: appId,
          userId: 0,
          memberId: DEMO_ACCOUNT_ID,
          accessToken: token,
          refreshToken: 'none',
          expires: Math.floor(Date.now() / 1000) + 3600,
          expiresIn: 3600,
          scope: 'telephony',
          domain: new URL(url).host,
          // As Bitrix24 gives it, `…/rest/`: the SDK appends `/<method>` (`/rest//<method>`).
          clientEndpoint: `${url}/rest/`,
          serverEndpoint: `${url}/rest/`,
          status: EnumAppStatus.Local,
        },
        { clientId: appId, clientSecret: 'none' },
        { restrictionParams: { maxRetries: 1 } },
      );
      // Callgate's tokens are not refreshed through OAuth: a refusal stays a refusal.
      sdk.setCustomRefreshAuth(() => Promise.reject(new Error('no refresh in this test')));
      sdk.offClientSideWarning();
      sdk.getHttpClient(ApiVersion.v2).ajaxClient.defaults.httpsAgent = agent;
      return sdk;
    },
    async close() {
      agent.destroy();
      await server.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

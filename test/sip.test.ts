import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../src/store/database.js';
import { callgate } from './cli-run.js';
import {
  type ServerProcess,
  call as httpCall,
  startProxy,
  startServerProcess,
} from './faults-harness.js';
import {
  type CallResult,
  type CallSpec,
  type Running,
  SIP_COMPANY as C,
  freeUdpPort,
  invitesAtCarrier,
  placeCall,
  requireSipTools,
  seedSipCompany,
  startCarrier,
  startKamailio,
} from './sip-harness.js';

/**
 * The switch end to end: `callgate serve` in a child process, Kamailio in the foreground
 * with the configuration `callgate pbx kamailio-config` writes, SIPp as the carrier and as
 * the PBX. Real INVITEs over UDP on 127.0.0.1; the assertions are the SIP answers and what
 * reached the carrier. A missing kamailio or sipp fails the suite (never a skip).
 */
describe('the switch: Kamailio asks Callgate before every outbound call', () => {
  const tools = requireSipTools();
  let dir: string;
  let server: ServerProcess;
  let carrier: Running & { messages(): string };
  let proxy: Running;
  let dbPath: string;
  let tokenFile: string;
  let adminToken: string;

  /** The configuration `callgate pbx kamailio-config` writes for this company. */
  async function config(
    url: string,
    port: number,
    carrierPort: number,
    extra: readonly string[] = [],
  ): Promise<string> {
    const out = join(dir, `generated-${port}.cfg`);
    const run = await callgate(dbPath, [
      'pbx',
      'kamailio-config',
      '--account',
      C.accountId,
      '--token-file',
      tokenFile,
      '--callgate-url',
      url,
      '--listen',
      `127.0.0.1:${port}`,
      '--carrier',
      `127.0.0.1:${carrierPort}`,
      '--children',
      '2',
      ...extra,
      '--out',
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    // It holds the token: its owner alone may read it.
    assert.equal(statSync(out).mode & 0o777, 0o600);
    return readFileSync(out, 'utf8');
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callgate-sip-'));
    dbPath = join(dir, 'callgate.db');
    const store = await openStore(dbPath);
    const seeded = await seedSipCompany(store);
    const { pbxToken } = seeded;
    adminToken = seeded.adminToken;
    await store.close();
    tokenFile = join(dir, 'pbx.token');
    writeFileSync(tokenFile, `${pbxToken}\n`, { mode: 0o600 });
    server = await startServerProcess(dbPath, join(dir, 'data'));
    carrier = await startCarrier(tools.sipp, dir, await freeUdpPort());
    const port = await freeUdpPort();
    proxy = await startKamailio(
      tools.kamailio,
      dir,
      await config(server.url, port, carrier.port),
      port,
    );
  });

  after(async () => {
    await proxy?.stop();
    await carrier?.stop();
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Places the call and explains a surprise with everything the three processes said. */
  async function dial(call: CallSpec, port = proxy.port): Promise<CallResult> {
    const result = await placeCall(tools.sipp, dir, port, call);
    if (result.exitCode !== 0 && result.status === 0) {
      assert.fail(
        `no final answer for ${JSON.stringify(call)} (sipp exit ${result.exitCode}):\n${result.trace}\n--- kamailio:\n${proxy.output().slice(-4000)}`,
      );
    }
    return result;
  }

  function assertRouted(result: CallResult, call: CallSpec): void {
    assert.equal(result.status, 200, `expected the call to be answered:\n${result.trace}`);
    assert.equal(result.exitCode, 0, `ACK and BYE went through:\n${result.trace}`);
    const invites = invitesAtCarrier(carrier.messages(), result.callId);
    assert.ok(invites.length >= 1, `the carrier got the INVITE of ${JSON.stringify(call)}`);
    assert.doesNotMatch(invites[0]!, /X-Callgate-/i, 'no Callgate header reaches the carrier');
  }

  function assertRefused(result: CallResult, reason: RegExp, rule?: string): void {
    assert.equal(result.status, 403, `expected 403:\n${result.trace}`);
    assert.match(result.headers.get('x-callgate-reason') ?? '', reason);
    if (rule !== undefined) assert.equal(result.headers.get('x-callgate-rule'), rule);
    assert.equal(
      invitesAtCarrier(carrier.messages(), result.callId).length,
      0,
      'a refused call never reaches the carrier',
    );
  }

  test('an allowed call to a CRM client is routed to the carrier: 200, ACK, BYE', async () => {
    const call = { from: C.crmCaller.extension, to: C.crmClient };
    assertRouted(await dial(call), call);
  });

  test('a refused call gets 403 with the reason in X-Callgate-Reason', async () => {
    const result = await dial({ from: C.crmCaller.extension, to: C.stranger });
    assertRefused(result, /crmClients/);
  });

  test('an extension nobody holds is refused', async () => {
    const result = await dial({ from: C.unknownExtension, to: C.crmClient });
    assertRefused(result, /"999"/);
  });

  test('a line the caller may not use is refused; an administrator may use it', async () => {
    const refused = await dial({ from: C.crmCaller.extension, to: C.crmClient, line: C.adminLine });
    assertRefused(refused, /\+16285550140/, 'lineAccess');
    const call = { from: C.admin.extension, to: C.crmClient, line: C.adminLine };
    const routed = await dial(call);
    assertRouted(routed, call);
    // The carrier shows the line Callgate checked.
    const invite = invitesAtCarrier(carrier.messages(), routed.callId)[0]!;
    assert.match(invite, /^P-Asserted-Identity: <sip:\+16285550140@/m);
  });

  test('premium-rate and unlisted international numbers are refused, administrators too', async () => {
    assertRefused(
      await dial({ from: C.admin.extension, to: C.premiumRate }),
      /premium/i,
      'destinationPolicy',
    );
    assertRefused(
      await dial({ from: C.admin.extension, to: C.unlistedAbroad }),
      /FR/,
      'destinationPolicy',
    );
    const listed = { from: C.admin.extension, to: C.listedAbroad };
    assertRouted(await dial(listed), listed);
  });

  test('an emergency number is routed for a caller at none and for an unknown extension, and audited', async () => {
    for (const from of [C.noneCaller.extension, C.unknownExtension]) {
      const call = { from, to: C.emergency };
      assertRouted(await dial(call), call);
    }
    // Routed first, told after: Callgate audits each (outboundCall.emergency).
    const audited = async () => {
      const answer = await httpCall(
        server,
        'GET',
        '/api/v1/audit-log?type=outboundCall.emergency&limit=50',
        adminToken,
      );
      assert.equal(answer.status, 200, answer.body);
      return (JSON.parse(answer.body) as { items: { subject?: string; actor?: string }[] }).items;
    };
    let items = await audited();
    for (let i = 0; i < 200 && items.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      items = await audited();
    }
    assert.ok(items.length >= 2, `two emergency calls audited: ${JSON.stringify(items)}`);
  });

  test('with --no-keep-alive (a Bearer header, a new connection per query) the same answers', async () => {
    const port = await freeUdpPort();
    const bearer = await startKamailio(
      tools.kamailio,
      dir,
      await config(server.url, port, carrier.port, ['--no-keep-alive']),
      port,
    );
    try {
      const allowed = { from: C.crmCaller.extension, to: C.crmClient };
      assertRouted(await dial(allowed, port), allowed);
      assertRefused(
        await dial({ from: C.crmCaller.extension, to: C.stranger }, port),
        /crmClients/,
      );
    } finally {
      await bearer.stop();
    }
  });

  test('kept-alive connections cut (Callgate restarted): 503 meanwhile, decided again after', async () => {
    // A TCP proxy in front of Callgate: cutting it ends every kept-alive connection the way
    // a restart does, and restoring it listens again on the same port.
    const front = await startProxy({ host: '127.0.0.1', port: server.port });
    const port = await freeUdpPort();
    const through = await startKamailio(
      tools.kamailio,
      dir,
      await config(`http://127.0.0.1:${front.port}`, port, carrier.port),
      port,
    );
    try {
      const call = { from: C.crmCaller.extension, to: C.crmClient };
      // Both children open their connection.
      for (let i = 0; i < 4; i++) assertRouted(await dial(call, port), call);
      await front.cut();
      assert.equal((await dial(call, port)).status, 503);
      await front.restore();
      // A dead kept-alive connection is replaced, not reported: every call is decided.
      for (let i = 0; i < 4; i++) assertRouted(await dial(call, port), call);
    } finally {
      await through.stop();
      await front.close();
    }
  });

  describe('an answer that is not a decision is 503 (fail closed)', () => {
    /** What the stand-in for Callgate answers next. */
    let answer: { status: number; body: string; delayMs?: number } = { status: 200, body: '' };
    let fake: http.Server;
    let fakeProxy: Running;

    before(async () => {
      fake = http.createServer((_request, response) => {
        const { status, body, delayMs = 0 } = answer;
        setTimeout(() => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(body);
        }, delayMs);
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      const { port: fakePort } = fake.address() as AddressInfo;
      const port = await freeUdpPort();
      fakeProxy = await startKamailio(
        tools.kamailio,
        dir,
        await config(`http://127.0.0.1:${fakePort}`, port, carrier.port, ['--timeout', '1']),
        port,
      );
    });

    after(async () => {
      await fakeProxy?.stop();
      fake?.closeAllConnections();
      await new Promise<void>((resolve) => fake?.close(() => resolve()));
    });

    const cases: readonly [string, typeof answer][] = [
      ['a 500', { status: 500, body: '{"error":{"code":"internal_error"}}' }],
      ['a 401 (a revoked token)', { status: 401, body: '{"error":{"code":"unauthenticated"}}' }],
      ['a 200 that is not JSON', { status: 200, body: '<html>maintenance</html>' }],
      ['a 200 without "allowed"', { status: 200, body: '{"classification":"crmClient"}' }],
      ['a 200 whose "allowed" is a string', { status: 200, body: '{"allowed":"true"}' }],
      ['a 200 whose "allowed" is a number', { status: 200, body: '{"allowed":1}' }],
      ['no answer within the timeout', { status: 200, body: '{"allowed":true}', delayMs: 2500 }],
    ];
    for (const [name, given] of cases) {
      test(name, async () => {
        answer = given;
        const result = await dial({ from: C.admin.extension, to: C.crmClient }, fakeProxy.port);
        assert.equal(result.status, 503, result.trace);
        assert.equal(invitesAtCarrier(carrier.messages(), result.callId).length, 0);
      });
    }

    test('while a true decision from the same stand-in is routed', async () => {
      answer = { status: 200, body: '{"allowed":true,"classification":"crmClient","reason":"ok"}' };
      const call = { from: C.admin.extension, to: C.crmClient };
      assertRouted(await dial(call, fakeProxy.port), call);
    });
  });

  test('Callgate down: 503 and nothing reaches the carrier, but emergency numbers are routed', async () => {
    const port = await freeUdpPort();
    // Nothing listens there: connection refused, as when the service is stopped.
    const down = await startKamailio(
      tools.kamailio,
      dir,
      await config('http://127.0.0.1:9', port, carrier.port),
      port,
    );
    try {
      const result = await dial({ from: C.admin.extension, to: C.crmClient }, port);
      assert.equal(result.status, 503, result.trace);
      assert.match(result.headers.get('x-callgate-reason') ?? '', /no decision/);
      assert.equal(invitesAtCarrier(carrier.messages(), result.callId).length, 0);
      // Emergency numbers are routed even so: the metadata's, and the account's own list as
      // dialled in full or nationally, by anyone, known or not.
      for (const call of [
        { from: C.noneCaller.extension, to: C.emergency },
        { from: C.unknownExtension, to: C.emergency },
        { from: C.crmCaller.extension, to: C.ownEmergency },
        { from: C.crmCaller.extension, to: C.ownEmergency.slice(2) },
      ]) {
        assertRouted(await dial(call, port), call);
      }
    } finally {
      await down.stop();
    }
  });
});

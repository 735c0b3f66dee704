import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KAMAILIO_TEMPLATE } from '../src/cli/commands/pbx-kamailio-config.js';
import { openStore } from '../src/store/database.js';
import {
  type KamailioConfigOptions,
  loadPbxEmergencyNumbers,
  renderKamailioConfig,
} from '../src/telephony/pbx-config.js';
import { emergencyPatternsOf } from '../src/telephony/pbx-emergency.js';
import { type ServerProcess, startServerProcess } from './faults-harness.js';
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
  let pbxToken: string;

  /** A configuration for this company, Callgate at `url`. */
  async function config(url: string, port: number, carrierPort: number): Promise<string> {
    const store = await openStore(dbPath);
    try {
      const emergency = await loadPbxEmergencyNumbers(store.db, C.accountId, emergencyPatternsOf);
      const options: KamailioConfigOptions = {
        accountId: C.accountId,
        callgateUrl: url,
        token: pbxToken,
        listen: { host: '127.0.0.1', port },
        carrier: { host: '127.0.0.1', port: carrierPort },
        children: 2,
        timeoutSeconds: 2,
        callgate: true,
        keepAlive: false,
      };
      return renderKamailioConfig(
        readFileSync(KAMAILIO_TEMPLATE, 'utf8'),
        options,
        emergency,
        new Date(),
      );
    } finally {
      await store.close();
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callgate-sip-'));
    dbPath = join(dir, 'callgate.db');
    const store = await openStore(dbPath);
    ({ pbxToken } = await seedSipCompany(store));
    await store.close();
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

  function assertRefused(result: CallResult, reason: RegExp): void {
    assert.equal(result.status, 403, `expected 403:\n${result.trace}`);
    assert.match(result.headers.get('x-callgate-reason') ?? '', reason);
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
    assertRefused(result, /no user or extension "999"/);
  });

  test('Callgate down: 503, nothing reaches the carrier', async () => {
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
    } finally {
      await down.stop();
    }
  });
});

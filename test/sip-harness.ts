import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../src/store/database.js';
import { createAccount } from '../src/telephony/accounts.js';
import { importDirectory } from '../src/telephony/directory.js';
import { addNumbersToInventory, rentNumber } from '../src/telephony/numbers.js';
import { exportPermissions, importPermissions } from '../src/telephony/permissions.js';
import { changeLineAccess } from '../src/telephony/line-access.js';
import { loadPolicyState } from '../src/telephony/policy.js';
import { saveSettingsSection } from '../src/telephony/settings.js';
import { createApp, mintToken } from '../src/telephony/tokens.js';

/**
 * The switch for real: Kamailio in the foreground with a generated configuration, SIPp as
 * the carrier (a UAS answering every call it is given) and as the PBX placing calls (a UAC),
 * all on 127.0.0.1. Used by test/sip.test.ts and bench/sip.ts.
 */

const SCENARIOS = fileURLToPath(new URL('../../integrations/kamailio/sipp/', import.meta.url));

/** The Debian packages that provide what this harness runs. */
export const SIP_PACKAGES = 'kamailio kamailio-utils-modules kamailio-extra-modules sip-tester';

/** Finds kamailio and sipp, or throws: a missing tool fails the suite, never skips it. */
export function requireSipTools(): { kamailio: string; sipp: string } {
  const find = (name: string): string | undefined => {
    const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
    for (const dir of dirs) {
      if (dir === '') continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not in this directory
      }
    }
    return undefined;
  };
  const kamailio = find('kamailio');
  const sipp = find('sipp');
  if (kamailio === undefined || sipp === undefined) {
    throw new Error(
      `${kamailio === undefined ? 'kamailio' : 'sipp'} is not installed: apt-get install ${SIP_PACKAGES}`,
    );
  }
  return { kamailio, sipp };
}

/** A UDP port nobody listens on at this moment (the kernel's choice). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Whether something holds this UDP port (a bind fails). */
async function udpPortTaken(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  const taken = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(true));
    socket.bind(port, '127.0.0.1', () => resolve(false));
  });
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
  return taken;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A child process this harness started, and everything it printed. */
export interface Running {
  readonly port: number;
  output(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): {
  output: () => string;
  exited: Promise<void>;
  alive: () => boolean;
} {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Sends an out-of-dialog OPTIONS and waits for any answer: the proxy is up. */
async function optionsAnswered(port: number, timeoutMs: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const local = socket.address().port;
  const message = [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-probe-${Date.now()}`,
    'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.1:${local}>;tag=probe`,
    `To: <sip:127.0.0.1:${port}>`,
    `Call-ID: probe-${Date.now()}@127.0.0.1`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const answered = new Promise<boolean>((resolve) => {
    socket.once('message', () => resolve(true));
    setTimeout(() => resolve(false), timeoutMs);
  });
  socket.send(message, port, '127.0.0.1');
  const result = await answered;
  socket.close();
  return result;
}

/**
 * Runs Kamailio in the foreground (`-DD -E`: no fork into the background, log to stderr)
 * with `config`, and waits until it answers an OPTIONS on its port.
 */
export async function startKamailio(
  kamailio: string,
  dir: string,
  config: string,
  port: number,
  sharedMemoryMb = 64,
): Promise<Running> {
  const path = join(dir, `kamailio-${port}.cfg`);
  writeFileSync(path, config, { mode: 0o600 });
  const check = spawnSync(kamailio, ['-c', '-f', path], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio refused the configuration:\n${check.stderr}`);
  // -m/-M: shared and private memory in MB; transactions live in shared memory until their
  // wait timer ends, so a load needs more than a few test calls.
  const child = spawn(
    kamailio,
    ['-f', path, '-DD', '-E', '-m', String(sharedMemoryMb), '-M', '8', '-Y', dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const tracked = track(child);
  const deadline = Date.now() + 15_000;
  while (!(await optionsAnswered(port, 200))) {
    if (!tracked.alive() || Date.now() > deadline) {
      await stopChild(child, tracked.exited);
      throw new Error(`kamailio did not start on ${port}:\n${tracked.output()}`);
    }
  }
  return { port, output: tracked.output, stop: () => stopChild(child, tracked.exited) };
}

/** SIPp as the carrier: answers every INVITE with 200, records what it received. */
export async function startCarrier(
  sipp: string,
  dir: string,
  port: number,
): Promise<Running & { messages(): string }> {
  const messageFile = join(dir, `carrier-${port}.msg`);
  const child = spawn(
    sipp,
    [
      '-sf',
      join(SCENARIOS, 'carrier.xml'),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-nostdin',
      '-trace_msg',
      '-message_file',
      messageFile,
      '-max_recv_loops',
      '10000',
      // Socket buffers (the kernel caps them): under load a small one drops datagrams.
      '-buff_size',
      '4194304',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  const tracked = track(child);
  const deadline = Date.now() + 10_000;
  while (!(await udpPortTaken(port))) {
    if (!tracked.alive() || Date.now() > deadline) {
      await stopChild(child, tracked.exited);
      throw new Error(`sipp (carrier) did not start on ${port}:\n${tracked.output()}`);
    }
    await sleep(20);
  }
  return {
    port,
    output: tracked.output,
    stop: () => stopChild(child, tracked.exited),
    messages: () => {
      try {
        return readFileSync(messageFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
}

/** One call as the PBX places it. */
export interface CallSpec {
  /** The caller's extension (From user). */
  readonly from: string;
  /** The dialled number (R-URI user). */
  readonly to: string;
  /** The line (X-Callgate-Line), if any. */
  readonly line?: string;
}

/** What the caller saw. */
export interface CallResult {
  /** The final answer's status, or 0 when none came. */
  readonly status: number;
  /** Its headers, names in lower case (the first of each). */
  readonly headers: ReadonlyMap<string, string>;
  readonly callId: string;
  /** sipp's exit code: 0 when the scenario ran to its end. */
  readonly exitCode: number;
  /** Everything sipp sent and received, for a failing test's message. */
  readonly trace: string;
}

let calls = 0;

/** Places one call through the proxy at `port` with SIPp and reports its final answer. */
export async function placeCall(
  sipp: string,
  dir: string,
  port: number,
  call: CallSpec,
): Promise<CallResult> {
  const n = ++calls;
  // sipp binds 5060 when it is free: another proxy or test may want it, so ask the kernel.
  const localPort = await freeUdpPort();
  const csv = join(dir, `call-${n}.csv`);
  const messageFile = join(dir, `call-${n}.msg`);
  writeFileSync(csv, `SEQUENTIAL\n${call.from};${call.to};${call.line ?? ''};\n`);
  const child = spawn(
    sipp,
    [
      '-sf',
      join(SCENARIOS, 'caller.xml'),
      '-inf',
      csv,
      '-m',
      '1',
      '-i',
      '127.0.0.1',
      '-p',
      String(localPort),
      '-nostdin',
      '-trace_msg',
      '-message_file',
      messageFile,
      '-timeout',
      '15s',
      '-timeout_error',
      `127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  );
  const tracked = track(child);
  const exitCode = await new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? -1)),
  );
  let trace: string;
  try {
    trace = readFileSync(messageFile, 'utf8');
  } catch {
    trace = tracked.output();
  }
  return { ...finalAnswer(trace), exitCode, trace };
}

/** The first final answer (≥ 200) to the INVITE in a SIPp message trace. */
function finalAnswer(trace: string): {
  status: number;
  headers: Map<string, string>;
  callId: string;
} {
  const callId = /^Call-ID:\s*(\S+)/im.exec(trace)?.[1] ?? '';
  for (const block of trace.split(/^-{10,}.*$/m)) {
    const lines = block.trim().split(/\r?\n/);
    const start = lines.findIndex((line) => /^SIP\/2\.0 \d{3}/.test(line));
    if (start < 0) continue;
    const status = Number(lines[start]!.slice(8, 11));
    if (status < 200) continue;
    if (!/^CSeq:\s*\d+ INVITE/im.test(block)) continue;
    const headers = new Map<string, string>();
    for (const line of lines.slice(start + 1)) {
      if (line.trim() === '') break;
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    }
    return { status, headers, callId };
  }
  return { status: 0, headers: new Map(), callId };
}

/** The INVITEs the carrier received, as their header blocks, for one Call-ID. */
export function invitesAtCarrier(messages: string, callId: string): string[] {
  return messages
    .split(/^-{10,}.*$/m)
    .filter((block) => /^\s*INVITE /m.test(block) && block.includes(callId));
}

/** The switch's company: who calls, from where, to what. */
export const SIP_COMPANY = {
  accountId: 'acme',
  /** An administrator: every destination, every line. */
  admin: { id: 'u0', extension: '100' },
  /** May call CRM clients only. */
  crmCaller: { id: 'u1', extension: '101' },
  /** `outboundCall.perform` = none: internal and emergency calls only. */
  noneCaller: { id: 'u2', extension: '102' },
  /** No user holds it. */
  unknownExtension: '999',
  crmClient: '+14155550199',
  /** A number that is nobody's: class `other`. */
  stranger: '+14155550123',
  /** A line only administrators may call out from. */
  adminLine: '+16285550140',
  /** A line everybody may use. */
  openLine: '+16285550141',
  /** Premium rate (US 900): the destination policy blocks it, for administrators too. */
  premiumRate: '+19005550123',
  /** France: the policy lists only GB abroad. */
  unlistedAbroad: '+33142685300',
  /** The United Kingdom: listed. */
  listedAbroad: '+442079460000',
  /** Emergency services in the account's country (US), by the short-number metadata. */
  emergency: '911',
  /** On the account's own emergency list (settings `emergency-numbers`). */
  ownEmergency: '+14155550911',
} as const;

/**
 * Seeds the account (enterprise plan, US), its people, a CRM client, two rented lines (one
 * for administrators only), a role that allows CRM clients only, a destination policy
 * (premium rate blocked, abroad only GB), an emergency number of its own, and a `pbx`
 * application's token.
 */
export async function seedSipCompany(
  store: Store,
): Promise<{ pbxToken: string; adminToken: string }> {
  const c = SIP_COMPANY;
  const now = Date.now();
  return store.db.transaction().execute(async (trx) => {
    await createAccount(
      trx,
      { id: c.accountId, name: 'Acme', plan: 'enterprise', defaultCountry: 'US' },
      'operator',
      now,
    );
    await importDirectory(
      trx,
      c.accountId,
      {
        departments: [{ id: 'root', name: 'Company', parentId: null, headUserId: c.admin.id }],
        users: [
          {
            id: c.admin.id,
            name: 'Ann Admin',
            admin: true,
            departmentIds: ['root'],
            phones: { extension: c.admin.extension },
          },
          // Outside the company tree, so the default Manager role (any) does not reach them.
          { id: c.crmCaller.id, name: 'Cora CRM', phones: { extension: c.crmCaller.extension } },
          { id: c.noneCaller.id, name: 'Nils None', phones: { extension: c.noneCaller.extension } },
        ],
        crmClients: [
          {
            id: 'c1',
            type: 'contact',
            name: 'Acme buyer',
            phones: [c.crmClient],
            responsibleUserId: c.crmCaller.id,
          },
        ],
      },
      'operator',
      now,
    );
    const level = (outbound: string) => ({
      'callStats.view': 'own',
      'recording.listen': 'none',
      'recording.delete': 'none',
      'outboundCall.perform': outbound,
      'userSettings.modify': 'none',
      'telephonySettings.modify': 'none',
      'numbers.manage': 'none',
      'balance.manage': 'none',
    });
    const exported = await exportPermissions(trx, c.accountId);
    await importPermissions(
      trx,
      c.accountId,
      {
        roles: [
          ...exported.roles,
          { id: 'crm-only', name: 'CRM clients only', permissions: level('crmClients') },
        ],
        assignments: [
          ...exported.assignments,
          { roleId: 'crm-only', accessCode: `user:${c.crmCaller.id}`, expiresAt: null },
        ],
      },
      { dryRun: false, actor: 'operator', now },
    );
    await addNumbersToInventory(trx, [
      { number: c.adminLine, country: 'US', monthlyFee: 5, currency: 'USD' },
      { number: c.openLine, country: 'US', monthlyFee: 5, currency: 'USD' },
    ]);
    await rentNumber(trx, c.accountId, c.adminLine, 'operator', now);
    await rentNumber(trx, c.accountId, c.openLine, 'operator', now);
    // Only administrators may call out from the admin line (SPEC §5 rule 5).
    await changeLineAccess(
      trx,
      await loadPolicyState(trx, c.accountId, now),
      c.adminLine,
      ['admins'],
      0,
      { dryRun: false, actor: 'operator', now },
    );
    await saveSettingsSection(
      trx,
      c.accountId,
      {
        section: 'outbound-policy',
        value: { premiumRate: 'block', international: { mode: 'listed', countries: ['GB'] } },
      },
      0,
      { actor: 'operator', userId: null },
      now,
    );
    await saveSettingsSection(
      trx,
      c.accountId,
      { section: 'emergency-numbers', value: { numbers: [c.ownEmergency] } },
      0,
      { actor: 'operator', userId: null },
      now,
    );
    await createApp(trx, c.accountId, { id: 'pbx', name: 'PBX', scopes: ['pbx'] }, now);
    const pbxToken = (
      await mintToken(
        trx,
        c.accountId,
        { userId: c.admin.id, appId: 'pbx', ttlSeconds: 24 * 3600 },
        'operator',
        now,
      )
    ).token;
    const adminToken = (
      await mintToken(
        trx,
        c.accountId,
        { userId: c.admin.id, ttlSeconds: 24 * 3600 },
        'operator',
        now,
      )
    ).token;
    return { pbxToken, adminToken };
  });
}

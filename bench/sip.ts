/**
 * The switch under load (issue 11, part 6a): SIPp places calls through Kamailio at a rising
 * rate, once with the Callgate route and once with it left out (`--no-callgate`), in one run.
 * A step is `stepSeconds` at one rate; the rate a variant sustains is the highest step
 * with no failed call and at least 95% of the asked rate placed. Setup time is INVITE to
 * 200, as SIPp measures it, read off its histogram (bucket upper bounds, in ms).
 *
 *   node dist/bench/sip.js [--step-seconds 4] [--targets-only] [--only NAME …]
 *
 * Besides the two variants the targets compare, it ramps the tuning that matters: the
 * Kamailio children count (each blocks on one Callgate query) and keep-alive.
 *
 * Never part of `npm test`; `npm run bench` runs it through run-all.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/database.js';
import { type ServerProcess, startServerProcess } from '../test/faults-harness.js';
import { callgate } from '../test/cli-run.js';
import {
  type Running,
  SIP_COMPANY as C,
  freeUdpPort,
  requireSipTools,
  seedSipCompany,
  startCarrier,
  startKamailio,
} from '../test/sip-harness.js';
import type { Figure } from './results.js';

const CALLER = fileURLToPath(
  new URL('../../integrations/kamailio/sipp/caller.xml', import.meta.url),
);

/** Calls per second, lowest first. */
const RATES = [100, 200, 300, 400, 500, 650, 800, 1000, 1250, 1500, 1800, 2200, 2600, 3000];

/** One way of running the proxy. */
export interface Variant {
  readonly name: string;
  readonly callgate: boolean;
  readonly children: number;
  readonly keepAlive: boolean;
}

/** One step of a ramp: what SIPp placed at one asked rate. */
export interface Step {
  readonly rate: number;
  readonly placed: number;
  readonly achievedRate: number;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  readonly setupMedianMs: number;
  readonly setupP99Ms: number;
  readonly setupMeanMs: number;
  /** SIPp's non-zero failure counters, e.g. `FailedUnexpectedMessage 3`. */
  readonly failures: string;
}

export interface Ramp {
  readonly variant: Variant;
  readonly steps: readonly Step[];
  /** The highest step with no failed call and ≥ 95% of its rate placed, or undefined. */
  readonly sustained: Step | undefined;
  /** The one-minute load average when the ramps began: what else the machine was doing. */
  readonly load: number;
}

/** Everything the ramps share: a server, a carrier, a token, a working directory. */
interface Rig {
  readonly dir: string;
  readonly sipp: string;
  readonly kamailio: string;
  readonly server: ServerProcess;
  readonly carrier: Running;
  readonly db: string;
  readonly tokenFile: string;
  stop(): Promise<void>;
}

async function startRig(): Promise<Rig> {
  const tools = requireSipTools();
  const dir = mkdtempSync(join(tmpdir(), 'callgate-bench-sip-'));
  const db = join(dir, 'callgate.db');
  const store = await openStore(db);
  const { pbxToken } = await seedSipCompany(store);
  await store.close();
  const tokenFile = join(dir, 'pbx.token');
  writeFileSync(tokenFile, pbxToken, { mode: 0o600 });
  // The server logs warnings only: a log line per request would measure the logger.
  const server = await startServerProcess(db, join(dir, 'data'));
  const carrier = await startCarrier(tools.sipp, dir, await freeUdpPort());
  return {
    dir,
    ...tools,
    server,
    carrier,
    db,
    tokenFile,
    stop: async () => {
      await carrier.stop();
      await server.kill();
      // CALLGATE_BENCH_KEEP=1 keeps the configurations, statistics and SIPp's error logs.
      if (process.env.CALLGATE_BENCH_KEEP === undefined)
        rmSync(dir, { recursive: true, force: true });
      else process.stdout.write(`kept ${dir}\n`);
    },
  };
}

/** A variant's proxy, started and warmed up, and how far its ramp got. */
interface VariantRun {
  readonly variant: Variant;
  readonly proxy: Running;
  readonly port: number;
  readonly steps: Step[];
  sustained: Step | undefined;
  done: boolean;
}

/** Writes the variant's configuration with the CLI and starts its Kamailio. */
async function startVariant(rig: Rig, variant: Variant): Promise<VariantRun> {
  const port = await freeUdpPort();
  const out = join(rig.dir, `bench-${port}.cfg`);
  const generated = await callgate(rig.db, [
    'pbx',
    'kamailio-config',
    '--account',
    C.accountId,
    '--callgate-url',
    rig.server.url,
    '--listen',
    `127.0.0.1:${port}`,
    '--carrier',
    `127.0.0.1:${rig.carrier.port}`,
    '--children',
    String(variant.children),
    ...(variant.callgate ? ['--token-file', rig.tokenFile] : ['--no-callgate']),
    ...(variant.keepAlive ? [] : ['--no-keep-alive']),
    '--out',
    out,
  ]);
  if (generated.code !== 0) throw new Error(`kamailio-config failed: ${generated.stderr}`);
  const proxy = await startKamailio(rig.kamailio, rig.dir, readFileSync(out, 'utf8'), port, 256);
  // A short warm-up: the first calls open what later calls reuse.
  await runStep(rig, port, 50, 1);
  return { variant, proxy, port, steps: [], sustained: undefined, done: false };
}

/**
 * Ramps every variant together, one rate at a time: at each rate each variant still going
 * takes its step in turn, so that what else the machine is doing weighs on all of them
 * alike (a ramp after a ramp would compare different afternoons). A variant stops at its
 * first rate that fails twice.
 */
async function rampTogether(
  rig: Rig,
  chosen: readonly Variant[],
  stepSeconds: number,
  log: (line: string) => void,
): Promise<Ramp[]> {
  const load = loadavg()[0] ?? 0;
  const running: VariantRun[] = [];
  try {
    for (const variant of chosen) running.push(await startVariant(rig, variant));
    for (const rate of RATES) {
      const live = running.filter((r) => !r.done);
      if (live.length === 0) break;
      for (const r of live) {
        // Two tries a step: on two shared cores one scheduling stall can fail a few calls
        // that the proxy would carry on a machine of its own.
        let held = false;
        let step: Step | undefined;
        for (let attempt = 1; attempt <= 2 && !held; attempt++) {
          step = await runStep(rig, r.port, rate, stepSeconds);
          r.steps.push(step);
          held = step.failed === 0 && step.achievedRate >= 0.95 * rate;
          log(
            `  ${r.variant.name}: ${rate}/s asked${attempt > 1 ? ' (again)' : ''}, ${step.achievedRate.toFixed(0)}/s placed, ${step.failed} failed, ${step.retransmissions} retransmissions, setup median ${step.setupMedianMs} ms p99 ${step.setupP99Ms} ms${held ? '' : ` (not sustained${step.failures === '' ? '' : `: ${step.failures}`})`}`,
          );
          // Let the proxy's transactions of the last step end before the next.
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        if (held) {
          r.sustained = step;
        } else {
          r.done = true;
          const errors = r.proxy
            .output()
            .split('\n')
            .filter((line) => /ERROR|CRITICAL/.test(line));
          if (errors.length > 0) log(`    kamailio: ${errors.slice(-3).join('\n    kamailio: ')}`);
          await r.proxy.stop();
        }
      }
    }
  } finally {
    for (const r of running) await r.proxy.stop();
  }
  return running.map((r) => ({ variant: r.variant, steps: r.steps, sustained: r.sustained, load }));
}

/** Places `rate` calls a second for `seconds` and reads SIPp's statistics. */
async function runStep(rig: Rig, port: number, rate: number, seconds: number): Promise<Step> {
  const tag = `${port}-${rate}-${Date.now()}`;
  const csv = join(rig.dir, `load-${tag}.csv`);
  const stats = join(rig.dir, `stat-${tag}.csv`);
  writeFileSync(csv, `SEQUENTIAL\n${C.crmCaller.extension};${C.crmClient};;\n`);
  const total = rate * seconds;
  const started = Date.now();
  const child = spawn(
    rig.sipp,
    [
      '-sf',
      CALLER,
      '-inf',
      csv,
      '-r',
      String(rate),
      '-m',
      String(total),
      '-i',
      '127.0.0.1',
      '-p',
      String(await freeUdpPort()),
      '-nostdin',
      '-buff_size',
      '4194304',
      '-trace_stat',
      '-stf',
      stats,
      '-fd',
      '1',
      '-trace_err',
      '-error_file',
      join(rig.dir, `errors-${tag}.log`),
      '-timeout',
      `${seconds + 30}s`,
      `127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: rig.dir },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  // sipp's own -timeout has been seen not to fire on an overloaded machine: a backstop.
  const backstop = setTimeout(() => child.kill('SIGKILL'), (seconds + 40) * 1000);
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  clearTimeout(backstop);
  const elapsedSeconds = (Date.now() - started) / 1000;
  const rows = readFileSync(stats, 'utf8').trim().split('\n');
  if (rows.length < 2) throw new Error(`sipp wrote no statistics:\n${stderr}`);
  const header = rows[0]!.split(';');
  const last = rows[rows.length - 1]!.split(';');
  const field = (name: string): string => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`no ${name} in sipp's statistics`);
    return last[at] ?? '';
  };
  const num = (name: string) => Number(field(name));
  const successful = num('SuccessfulCall(C)');
  const failed = num('FailedCall(C)');
  const placed = num('TotalCallCreated');
  const { median, p99 } = histogramPercentiles(header, last);
  return {
    rate,
    placed,
    // Calls placed over the time SIPp needed to place them and see them end.
    achievedRate: placed / Math.max(seconds, elapsedSeconds - 0.2),
    successful,
    failed: failed + Math.max(0, total - successful - failed),
    retransmissions: num('Retransmissions(C)'),
    setupMedianMs: median,
    setupP99Ms: p99,
    setupMeanMs: durationMs(field('ResponseTime1(C)')),
    failures: header
      .map((name, i) => [name, Number(last[i])] as const)
      .filter(([name, n]) => /^Failed.+\(C\)$/.test(name) && name !== 'FailedCall(C)' && n > 0)
      .map(([name, n]) => `${name.slice(0, -3)} ${n}`)
      .join(', '),
  };
}

/** SIPp writes durations as `HH:MM:SS:uuuuuu`. */
function durationMs(text: string): number {
  const [h, m, s, us] = text.split(':').map(Number);
  return ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000 + (us ?? 0) / 1000;
}

/**
 * Median and 99th percentile of the setup time from SIPp's cumulative histogram: the upper
 * bound of the bucket where the count passes the quantile (`ResponseTimeRepartition1_<N`
 * holds the calls under N ms, `_>=N` the rest).
 */
function histogramPercentiles(header: string[], row: string[]): { median: number; p99: number } {
  const buckets: { bound: number; count: number }[] = [];
  header.forEach((name, i) => {
    const under = /^ResponseTimeRepartition1_<(\d+)$/.exec(name);
    const over = /^ResponseTimeRepartition1_>=(\d+)$/.exec(name);
    if (under) buckets.push({ bound: Number(under[1]), count: Number(row[i]) });
    if (over) buckets.push({ bound: Number.POSITIVE_INFINITY, count: Number(row[i]) });
  });
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const at = (q: number): number => {
    let seen = 0;
    for (const bucket of buckets) {
      seen += bucket.count;
      if (seen >= q * total) return bucket.bound;
    }
    return Number.NaN;
  };
  return { median: at(0.5), p99: at(0.99) };
}

/** The two variants the targets compare, and (with `explore`) what tunes them. */
export function variants(explore: boolean): Variant[] {
  const base: Variant[] = [
    { name: 'without Callgate', callgate: false, children: 16, keepAlive: true },
    { name: 'with Callgate', callgate: true, children: 16, keepAlive: true },
  ];
  if (!explore) return base;
  return [
    ...base,
    { name: 'with Callgate, no keep-alive', callgate: true, children: 16, keepAlive: false },
    { name: 'with Callgate, 4 children', callgate: true, children: 4, keepAlive: true },
    { name: 'with Callgate, 32 children', callgate: true, children: 32, keepAlive: true },
  ];
}

/** Runs the ramps and turns them into the figures bench/results.json lists. */
export async function run(
  options: {
    stepSeconds?: number;
    explore?: boolean;
    only?: readonly string[];
    log?: (line: string) => void;
  } = {},
): Promise<Figure[]> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stepSeconds = options.stepSeconds ?? 4;
  const chosen = variants(options.explore ?? true).filter(
    (variant) => options.only === undefined || options.only.includes(variant.name),
  );
  const rig = await startRig();
  try {
    return figuresOf(await rampTogether(rig, chosen, stepSeconds, log), stepSeconds);
  } finally {
    await rig.stop();
  }
}

function figuresOf(ramps: readonly Ramp[], stepSeconds: number): Figure[] {
  const [without, withCallgate, ...others] = ramps;
  const rateOf = (r: Ramp | undefined) => r?.sustained?.rate ?? 0;
  const describe = (r: Ramp) =>
    `load average ${r.load.toFixed(1)} on ${cpus().length} cores at its start; ${r.variant.children} Kamailio children, ${r.variant.keepAlive ? 'one kept-alive HTTP connection per child' : 'a new HTTP connection per query'}; steps of ${stepSeconds} s: ${r.steps
      .map(
        (s) =>
          `${s.rate}/s ${s.failed === 0 && s.achievedRate >= 0.95 * s.rate ? 'ok' : `${s.failed} failed`}`,
      )
      .join(', ')}`;
  const figures: Figure[] = [];
  if (without && withCallgate) {
    const ours = rateOf(withCallgate);
    const peer = rateOf(without);
    const ratio = peer === 0 ? 0 : ours / peer;
    figures.push({
      name: 'SIP: call attempts/s through Kamailio with the Callgate route vs without it',
      unit: 'calls/s',
      ours,
      peer,
      ratio,
      target: '≥ 0.8× without Callgate',
      met: ratio >= 0.8,
      note: `highest step with no failed call (INVITE, 200, ACK, BYE through the proxy); with: ${describe(withCallgate)}; without: ${describe(without)}`,
    });
    const at = withCallgate.sustained;
    figures.push({
      name: 'SIP: call setup p99 with the Callgate route, at its sustained rate',
      unit: 'ms',
      ours: at?.setupP99Ms ?? Number.NaN,
      peer: without.sustained?.setupP99Ms ?? null,
      ratio:
        at && without.sustained ? at.setupP99Ms / Math.max(1, without.sustained.setupP99Ms) : null,
      target: 'p99 ≤ 20 ms',
      met: at !== undefined && at.setupP99Ms <= 20,
      note: at
        ? `at ${at.rate}/s: median ≤ ${at.setupMedianMs} ms, mean ${at.setupMeanMs.toFixed(1)} ms (SIPp histogram bucket bounds; peer: without Callgate at its own sustained rate)`
        : 'no step was sustained',
    });
    figures.push({
      name: 'SIP: call setup median with the Callgate route, at its sustained rate',
      unit: 'ms',
      ours: at?.setupMedianMs ?? Number.NaN,
      peer: without.sustained?.setupMedianMs ?? null,
      ratio: null,
      target: 'for the record',
      met: true,
      note: 'upper bound of the SIPp histogram bucket holding the median',
    });
  }
  for (const other of others) {
    figures.push({
      name: `SIP: call attempts/s ${other.variant.name}`,
      unit: 'calls/s',
      ours: rateOf(other),
      peer: rateOf(withCallgate),
      ratio: rateOf(withCallgate) === 0 ? null : rateOf(other) / rateOf(withCallgate),
      target: 'for the record (tuning; peer: the default with Callgate)',
      met: true,
      note: `${describe(other)}; setup p99 ${other.sustained?.setupP99Ms ?? '—'} ms at the sustained rate`,
    });
  }
  return figures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'step-seconds': { type: 'string' },
      'targets-only': { type: 'boolean' },
      only: { type: 'string', multiple: true },
    },
  });
  const figures = await run({
    stepSeconds: values['step-seconds'] === undefined ? 4 : Number(values['step-seconds']),
    explore: values['targets-only'] !== true,
    ...(values.only && { only: values.only }),
  });
  for (const f of figures)
    process.stdout.write(
      `${f.name}: ${f.ours} ${f.unit} (${f.target}) ${f.met ? 'met' : 'MISSED'}\n`,
    );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

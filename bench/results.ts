import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One figure of the benchmark run, as bench/results.json lists it (issue 5). */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  /** Our measurement. */
  readonly ours: number;
  /** The peer's measurement on the same data, or null where the figure has no peer. */
  readonly peer: number | null;
  /** ours / peer or peer / ours, whichever the target is stated in; null without a peer. */
  readonly ratio: number | null;
  /** The target as the issue states it, e.g. "≥ 200× casbin" or "≤ 1 µs". */
  readonly target: string;
  readonly met: boolean;
  /** Anything a reader needs to trust the figure: sizes, rounds, the peer's name. */
  readonly note?: string;
  /**
   * Where it was measured, when not in this run: a figure kept from an earlier run
   * (`npm run bench -- sip` keeps the others) keeps its own machine.
   */
  readonly machine?: string;
  /** The command that measured it, likewise. */
  readonly command?: string;
}

/** The machine the figures were measured on: the line every result carries. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Median and 99th percentile of a sample (sorted copy; the input is left alone). */
export function percentiles(samples: readonly number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p99: at(0.99) };
}

/**
 * Writes bench/results.json and the human summary bench/RESULTS.md. Figures that carry their
 * own machine and command (kept from an earlier run) keep them, and the summary says which
 * figures were measured where.
 */
export function writeResults(figures: readonly Figure[], command: string, dir = 'bench'): void {
  const machine = machineLine();
  const placed = figures.map((f) => ({
    ...f,
    machine: f.machine ?? machine,
    command: f.command ?? command,
  }));
  writeFileSync(
    `${dir}/results.json`,
    JSON.stringify({ machine, command, figures: placed }, null, 2) + '\n',
  );
  // One line per (command, machine), in the order the figures come.
  const origins = [...new Set(placed.map((f) => `${f.command}\u0000${f.machine}`))].map((key) => {
    const [by, on] = key.split('\u0000');
    return {
      by: by!,
      on: on!,
      count: placed.filter((f) => f.command === by && f.machine === on).length,
    };
  });
  const marks = ['', '†', '‡', '§', '¶', '‖', '**'];
  const markOf = (f: { command: string; machine: string }) =>
    marks[origins.findIndex((o) => o.by === f.command && o.on === f.machine)] ?? '*';
  const row = (f: (typeof placed)[number]) =>
    `| ${f.name}${markOf(f)} | ${format(f.ours)} ${f.unit} | ${f.peer === null ? '—' : `${format(f.peer)} ${f.unit}`} | ${f.ratio === null ? '—' : `${format(f.ratio)}×`} | ${f.target} | ${f.met ? 'yes' : '**no**'} |`;
  const notes = placed.filter((f) => f.note).map((f) => `- ${f.name}: ${f.note}`);
  const produced =
    origins.length === 1
      ? [`Produced by \`${command}\` on ${machine}.`]
      : origins.map(
          (o, i) =>
            `${i === 0 ? 'Produced by' : `Figures marked ${marks[i] ?? '*'} by`} \`${o.by}\` on ${o.on} (${o.count} figures).`,
        );
  writeFileSync(
    `${dir}/RESULTS.md`,
    [
      '# Benchmark results',
      '',
      ...produced,
      '',
      '| figure | ours | peer | ratio | target | met |',
      '|---|---|---|---|---|---|',
      ...placed.map(row),
      '',
      ...(notes.length > 0 ? ['Notes:', '', ...notes, ''] : []),
    ].join('\n'),
  );
}

function format(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100
    ? Math.round(n).toLocaleString('en-US')
    : Number(n.toPrecision(3)).toString();
}

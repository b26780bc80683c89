/**
 * The report: docs/performance.json holds every figure of a run; docs/performance.md is rendered from it
 * here, so the page says nothing the run did not measure. Pure functions (no I/O), tested on their own.
 */

import type { ProfileSummary } from './profile.js';
import type { TargetResult } from './targets.js';

export interface CaseRow {
  readonly case: string;
  readonly concurrency: number;
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU per operation (µs): the benchmark process's, and the PostgreSQL server processes'. */
  readonly cpuUs?: number;
  readonly dbCpuUs?: number;
  readonly runs: readonly number[];
}

/** Which CPU figures a table shows under its rates. */
export type CpuColumns = 'client-and-database' | 'server';

export interface ReportTable {
  readonly title: string;
  readonly cases: Readonly<Record<string, string>>;
  readonly results: readonly CaseRow[];
  readonly ratios: readonly { readonly of: string; readonly to: string }[];
  /** Which CPU per operation to show under the rates, if any. */
  readonly cpu?: CpuColumns;
}

export interface ReportWorkload {
  readonly id: string;
  readonly title: string;
  readonly about: readonly string[];
  readonly tables: readonly ReportTable[];
  readonly verified: readonly string[];
  readonly notes?: readonly string[];
}

/** A target's verdict in this run (bench/lib/targets.ts). */
export type ReportTarget = TargetResult;

/** A CPU profile's summary (bench/lib/profile.ts). */
export type ReportProfile = ProfileSummary;

export interface Report {
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly loadAverageAtStart: readonly number[];
    readonly loadAverageAtEnd: readonly number[];
    readonly node: string;
    readonly platform: string;
  };
  readonly postgres: { readonly version: string; readonly settings: Readonly<Record<string, string>> };
  readonly method: {
    readonly runs: number;
    readonly secondsPerRun: number;
    readonly concurrency: readonly number[];
  };
  readonly workloads: readonly ReportWorkload[];
  readonly targets: readonly ReportTarget[];
  readonly profiles: readonly ReportProfile[];
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');
const ratio = (n: number | undefined): string =>
  n === undefined || !Number.isFinite(n) ? '–' : `${n.toFixed(2)}×`;
const pct = (n: number): string => `${(n * 100).toFixed(1)} %`;

function rateOf(table: ReportTable, name: string, concurrency: number): number | undefined {
  return table.results.find((r) => r.case === name && r.concurrency === concurrency)?.rate;
}

export function renderTable(table: ReportTable): string[] {
  const names = Object.keys(table.cases);
  const levels = [...new Set(table.results.map((r) => r.concurrency))];
  const lines = [
    `**${table.title}** (median of the runs; p50 / p99 latency in ms)`,
    '',
    `| concurrency | ${names.map((n) => `${n}: per s · p50 / p99`).join(' | ')} |${table.ratios.map((r) => ` ${r.of} ÷ ${r.to} |`).join('')}`,
    `| ---: |${names.map(() => ' ---: |').join('')}${table.ratios.map(() => ' ---: |').join('')}`,
  ];
  for (const c of levels) {
    const cells = names.map((name) => {
      const row = table.results.find((r) => r.case === name && r.concurrency === c);
      return row === undefined ? '–' : `${int(row.rate)} · ${ms(row.p50Ms)} / ${ms(row.p99Ms)}`;
    });
    const ratios = table.ratios.map((r) => {
      const a = rateOf(table, r.of, c);
      const b = rateOf(table, r.to, c);
      return ratio(a === undefined || b === undefined ? undefined : a / b);
    });
    lines.push(`| ${String(c)} | ${cells.join(' | ')} |${ratios.map((r) => ` ${r} |`).join('')}`);
  }
  lines.push('', ...names.map((n) => `- **${n}**: ${table.cases[n] ?? ''}`));
  if (table.cpu !== undefined) lines.push('', ...renderCpu(table, table.cpu, names, levels));
  lines.push(
    '',
    `Runs (operations per second, in order): ${levels
      .map(
        (c) =>
          `c${String(c)}: ${names.map((n) => `${n} ${(table.results.find((r) => r.case === n && r.concurrency === c)?.runs ?? []).map(int).join(', ')}`).join('; ')}`,
      )
      .join(' — ')}.`,
  );
  return lines;
}

/**
 * CPU per operation beside the rates, in µs, so a ratio can be traced to the side that pays for it: on SQL
 * tables the benchmark process's (the client: the handler and the driver, or the floor's one statement) and
 * PostgreSQL's server processes' (read from /proc); on HTTP tables the server process's. Every side shares
 * the machine's cores.
 */
function renderCpu(
  table: ReportTable,
  columns: CpuColumns,
  names: readonly string[],
  levels: readonly number[],
): string[] {
  const us = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : int(n));
  const both = columns === 'client-and-database';
  return [
    both
      ? `CPU per operation, µs (median of the runs): this process / PostgreSQL's server processes`
      : 'CPU per request of the server process, µs (median of the runs)',
    '',
    `| concurrency | ${names.join(' | ')} |`,
    `| ---: |${names.map(() => ' ---: |').join('')}`,
    ...levels.map((c) => {
      const cells = names.map((name) => {
        const row = table.results.find((r) => r.case === name && r.concurrency === c);
        return both ? `${us(row?.cpuUs)} / ${us(row?.dbCpuUs)}` : us(row?.cpuUs);
      });
      return `| ${String(c)} | ${cells.join(' | ')} |`;
    }),
  ];
}

function renderProfile(p: ReportProfile): string[] {
  return [
    `#### ${p.label}`,
    '',
    `${ms(p.totalMs)} ms of samples, in \`${p.file}\` (open it in Chrome DevTools). Self time by where the code lives:`,
    '',
    '| group | self time | share |',
    '| --- | ---: | ---: |',
    ...p.groups
      .filter((g) => g.share >= 0.005)
      .map((g) => `| ${g.group} | ${ms(g.ms)} ms | ${pct(g.share)} |`),
    '',
    'Top functions by self time:',
    '',
    '| function | where | group | share |',
    '| --- | --- | --- | ---: |',
    ...p.top.map(
      (f) => `| \`${f.fn}\` | ${f.where === '' ? '–' : `\`${f.where}\``} | ${f.group} | ${pct(f.share)} |`,
    ),
    '',
  ];
}

/** The markdown page. */
export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const settings = report.postgres.settings;
  const missed = report.targets.filter((t) => !t.met);
  const lines = [
    '# Performance',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts) from docs/performance.json. Do not edit by hand. -->',
    '',
    `Measured ${report.date} with \`${report.command}\`${report.quick ? ' in **quick mode** (one short run per case: a smoke test, not figures to quote)' : ''}; the whole command took ${int(report.durationSeconds)} s.`,
    '',
    `- Machine: ${String(m.cores)} × ${m.cpuModel}, ${m.memoryGiB.toFixed(0)} GiB of memory, ${m.platform}; Node ${m.node}.`,
    `- Load average (1, 5, 15 min) when the run began: ${m.loadAverageAtStart.map((n) => n.toFixed(2)).join(', ')}; when it ended: ${m.loadAverageAtEnd.map((n) => n.toFixed(2)).join(', ')}. The machine is shared: other work lowers every figure, and the interleaved runs spread it over the cases of a table alike, so **the ratios within one table are the figures to compare**.`,
    `- PostgreSQL ${report.postgres.version} on 127.0.0.1: ${Object.entries(settings)
      .map(([k, v]) => `\`${k}\` = ${v}`)
      .join(', ')}.`,
    `- Method: closed loop, each case at concurrency ${report.method.concurrency.join(', ')}; after a short warm-up, ${String(report.method.runs)} run(s) of ${String(report.method.secondsPerRun)} s per case, the cases of a table interleaved; figures are the median run. Every workload runs in PostgreSQL schemas of its own, dropped afterwards, and checks afterwards that each operation landed exactly once (listed under each workload); the command fails otherwise.`,
    '',
    '## Targets',
    '',
    '| target | concurrency | measured | target | |',
    '| --- | ---: | ---: | ---: | --- |',
    ...report.targets.map(
      (t) =>
        `| ${t.text} | ${String(t.concurrency)} | ${ratio(t.ratio)} | ≥ ${t.atLeast.toFixed(2)}× | ${t.met ? 'met' : '**missed**'} |`,
    ),
    '',
    `${String(report.targets.filter((t) => t.met).length)} of ${String(report.targets.length)} met.`,
    '',
  ];
  for (const w of report.workloads) {
    lines.push(`## ${w.title}`, '', ...w.about, '');
    for (const t of w.tables) lines.push(...renderTable(t), '');
    if (w.notes !== undefined && w.notes.length > 0) lines.push(...w.notes, '');
    lines.push(`Verified after the runs: ${w.verified.join('; ')}.`, '');
  }
  lines.push('## Where the time goes', '');
  if (missed.length === 0) {
    lines.push('Every target was met in this run; no profile was taken.', '');
  } else {
    lines.push(
      `Missed in this run: ${[...new Set(missed.map((t) => t.text))].join('; ')}. For each, a CPU profile of the project's`,
      'case at concurrency 8 (HTTP: the server process under 32 connections), taken right after the',
      "measurements with V8's sampling profiler (the one `node --cpu-prof` starts, here started through",
      '`node:inspector` around the measured loop only). "idle" is time the process waited: on PostgreSQL,',
      'mostly for the database, which shares the same cores. The profiler samples by the clock, so `writev`',
      '(the system call that hands a query or a response to the kernel) also counts the time the process',
      'waited for a core after the kernel woke the process at the other end (PostgreSQL or the load',
      'generator) on the same two cores: it is larger than the CPU it uses. The CPU-per-operation tables under',
      'workloads 1, 3 and 4 give what each side paid.',
      '',
      ...report.profiles.flatMap(renderProfile),
    );
  }
  return `${lines.join('\n')}\n`;
}

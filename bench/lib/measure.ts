/**
 * Closed-loop load: `concurrency` lanes each run one operation after another for a fixed time (or, for
 * stores whose cost depends on what they hold, for a fixed number of operations). Each case
 * is run several times, the cases of a workload interleaved (a, b, c, a, b, c, …), so load from elsewhere
 * on the machine falls on every case alike; a case's figure is the median of its runs.
 */

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Durations and repetitions, shortened by BENCH_QUICK=1 for a smoke run. */
export const QUICK = process.env.BENCH_QUICK === '1';
export const RUNS = QUICK ? 1 : 3;
export const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 0.4 : 2));
export const CONCURRENCY: readonly number[] = [1, 8, 32];

/** One timed run of one case. */
export interface Run {
  /** Completed operations per second. */
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ops: number;
  /** CPU time of this process per operation (µs), user + system. */
  readonly cpuUs: number;
  /** CPU time of this machine's PostgreSQL server processes per operation (µs); NaN where unknown. */
  readonly dbCpuUs: number;
}

/** A case at one concurrency: the median of its runs, and the runs. */
export interface Stat {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUs: number;
  readonly dbCpuUs: number;
  readonly runs: readonly number[];
}

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`), or undefined where /proc is not Linux's. */
const TICKS_PER_SECOND = ((): number | undefined => {
  try {
    if (readdirSync('/proc').length === 0) return undefined;
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
})();

/**
 * CPU time (µs, user + system) of every PostgreSQL server process on this machine, from /proc: the
 * backends serving the benchmark's connections and the server's own workers (WAL writer, checkpointer).
 * Undefined without Linux's /proc, or when no process is PostgreSQL's (a server on another host). The
 * kernel counts in clock ticks (10 ms), so a run of a few seconds reads it to about a percent.
 */
export function postgresCpuUs(): number | undefined {
  if (TICKS_PER_SECOND === undefined) return undefined;
  let ticks = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const close = stat.lastIndexOf(')');
    if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
    // After the command: state, ppid, … ; utime and stime are the 14th and 15th fields of the line.
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? (ticks * 1_000_000) / TICKS_PER_SECOND : undefined;
}

/** PostgreSQL's CPU per operation between two readings of postgresCpuUs; NaN if either is unknown. */
function perOperation(before: number | undefined, after: number | undefined, ops: number): number {
  return before === undefined || after === undefined ? Number.NaN : (after - before) / Math.max(1, ops);
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Numbers every operation of the process, so that `op(n)` never sees the same n twice (client tokens). */
let sequence = 0;

/**
 * Runs `op(n)` (n unique in the process) in `lanes` lanes, each taking operations while `more()` says so,
 * and times them: rate, latency percentiles, and CPU per operation on both sides. Any rejection fails the run.
 */
async function timeLanes(
  lanes: number,
  more: () => boolean,
  op: (n: number) => Promise<unknown>,
): Promise<Run> {
  const latencies: number[] = [];
  const start = performance.now();
  const cpu = process.cpuUsage();
  const db = postgresCpuUs();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (more()) {
        const began = performance.now();
        await op(sequence++);
        latencies.push(performance.now() - began);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const sorted = Float64Array.from(latencies).sort();
  return {
    rate: latencies.length / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    ops: latencies.length,
    cpuUs: (used.user + used.system) / Math.max(1, latencies.length),
    dbCpuUs: perOperation(db, postgresCpuUs(), latencies.length),
  };
}

/** Runs `op(n)` (n unique in the process) in `concurrency` lanes for `seconds`; any rejection fails the run. */
export function runLanes(
  concurrency: number,
  seconds: number,
  op: (n: number) => Promise<unknown>,
): Promise<Run> {
  const end = performance.now() + seconds * 1000;
  return timeLanes(concurrency, () => performance.now() < end, op);
}

/**
 * Runs exactly `count` operations `op(n)` in `concurrency` lanes and times them: for stores whose cost
 * depends on what they hold, so that every case ends a run with the same number of operations landed.
 */
export function runCount(
  concurrency: number,
  count: number,
  op: (n: number) => Promise<unknown>,
): Promise<Run> {
  let issued = 0;
  return timeLanes(Math.min(concurrency, count), () => issued++ < count, op);
}

export function summarize(runs: readonly Run[]): Stat {
  return {
    rate: median(runs.map((r) => r.rate)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    cpuUs: median(runs.map((r) => r.cpuUs)),
    dbCpuUs: median(runs.map((r) => r.dbCpuUs)),
    runs: runs.map((r) => Math.round(r.rate)),
  };
}

/** A named operation to measure. */
export interface Case {
  readonly name: string;
  readonly op: (n: number) => Promise<unknown>;
}

/** One row of a workload's results. */
export interface CaseResult extends Stat {
  readonly case: string;
  readonly concurrency: number;
}

export interface MeasureOptions {
  readonly concurrency?: readonly number[];
  /** Sees every run, the warm-up's too (for counting or checking what must have landed). */
  readonly onRun?: (c: Case, run: Run) => void | Promise<void>;
  /** Runs before every run, the warm-up's too, untimed (to give a case a fresh store, say). */
  readonly beforeRun?: (c: Case, concurrency: number) => Promise<void>;
  /** Runs of exactly this many operations (`runCount`) instead of runs of SECONDS. */
  readonly count?: number;
  /** Operations of the warm-up run when `count` is given; `count` by default. */
  readonly warmUpCount?: number;
}

/**
 * Measures every case at every concurrency: a short warm-up, then RUNS interleaved rounds. Prints a line
 * per case and concurrency.
 */
export async function measureCases(
  label: string,
  cases: readonly Case[],
  options: MeasureOptions = {},
): Promise<CaseResult[]> {
  const { count } = options;
  const once = async (c: Case, concurrency: number, warmUp: boolean): Promise<Run> => {
    await options.beforeRun?.(c, concurrency);
    const run =
      count === undefined
        ? await runLanes(concurrency, warmUp ? Math.min(0.5, SECONDS) : SECONDS, c.op)
        : await runCount(concurrency, warmUp ? (options.warmUpCount ?? count) : count, c.op);
    await options.onRun?.(c, run);
    return run;
  };
  const results: CaseResult[] = [];
  for (const concurrency of options.concurrency ?? CONCURRENCY) {
    for (const c of cases) await once(c, concurrency, true);
    const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round < RUNS; round++) {
      for (const c of cases) runs.get(c.name)!.push(await once(c, concurrency, false));
    }
    for (const c of cases) {
      const stat = summarize(runs.get(c.name)!);
      results.push({ case: c.name, concurrency, ...stat });
      log(
        `  ${label} · ${c.name} · c${String(concurrency)}: ${stat.rate.toFixed(0)}/s, ` +
          `p50 ${stat.p50Ms.toFixed(2)} ms, p99 ${stat.p99Ms.toFixed(2)} ms`,
      );
    }
  }
  return results;
}

/** Progress on stderr, with the time since the command began. */
const began = performance.now();
export function log(line: string): void {
  process.stderr.write(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

/** Throws unless `actual` equals `expected`: the check that every operation landed exactly once. */
export function expectCount(what: string, actual: number, expected: number): string {
  if (actual !== expected)
    throw new Error(`verification failed: ${what}: ${String(actual)}, expected ${String(expected)}`);
  return `${what}: ${String(actual)} = ${String(expected)}`;
}

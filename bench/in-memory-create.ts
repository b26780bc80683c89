/**
 * Creates per second through the full in-memory CreateStreamingSession handler (input validation, client
 * token, catalog facts, quota ledger, decision, one atomic commit), measured after prefilling 1,000 and
 * then 1,000,000 existing sessions in the same process: the cost of a create must not grow with the number
 * of sessions. Results go to the "In-memory create" section of docs/benchmarks.md.
 *
 *   npm run bench:memory                       # 1,000 and 1,000,000
 *   npm run bench:memory -- --sizes 1000,100000 --batch 10000 --no-write
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStreamingSessions, type Caller, type Seed, type StreamingSessions } from '../src/index.js';

const STUDIO_ID = 'us-west-2:stid-bench00000000001';
const LAUNCH_PROFILE_ID = 'LpBench00000000000001';
const ARTIST: Caller = {
  principalId: '92677b4b19-e9fd012a-94ad-4f16-9866-c69a63ab6486',
  kind: 'STUDIO_USER',
};
/** Requests in flight at once, as from a busy HTTP front end. Creates in one studio queue per process. */
const CONCURRENCY = 64;
const ROUNDS = 5;

/** One studio whose quota is raised past every size: the worst case, one quota ledger for everything. */
const seed: Seed = {
  studios: [{ studioId: STUDIO_ID, state: 'READY', quotas: { maxSessions: 10_000_000 } }],
  launchProfiles: [
    {
      launchProfileId: LAUNCH_PROFILE_ID,
      studioId: STUDIO_ID,
      state: 'READY',
      streamConfiguration: {
        clipboardMode: 'ENABLED',
        ec2InstanceTypes: ['g4dn.xlarge', 'g4dn.2xlarge'],
        streamingImageIds: ['ImgBench0000000000001'],
      },
      launchProfileMembers: [{ principalId: ARTIST.principalId, persona: 'USER' }],
    },
  ],
  streamingImages: [{ streamingImageId: 'ImgBench0000000000001', owner: 'amazon', state: 'READY' }],
};

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

let nextToken = 0;

/** Runs `count` creates, `CONCURRENCY` at a time, each with a fresh client token; fails on any error. */
async function createMany(sessions: StreamingSessions, count: number): Promise<void> {
  let issued = 0;
  const lane = async () => {
    while (issued < count) {
      issued++;
      const token = `bench-${String(nextToken++)}`;
      const result = await sessions.createStreamingSession(
        {
          studioId: STUDIO_ID,
          launchProfileId: LAUNCH_PROFILE_ID,
          clientToken: token,
          tags: { run: 'bench' },
        },
        ARTIST,
      );
      if (result.isErr()) throw new Error(`Create failed: ${JSON.stringify(result.error)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane));
}

interface Measurement {
  readonly existing: number;
  /** MiB of unrelated objects kept alive during the measurement (the control row), or 0. */
  readonly ballastMiB: number;
  readonly batch: number;
  readonly medianPerSecond: number;
  readonly roundsPerSecond: readonly number[];
  /** Process CPU time (user + system) per create: steadier than wall time on a shared machine. */
  readonly cpuMicrosPerCreate: number;
  /** Share of the timed wall time spent in GC pauses. */
  readonly gcShare: number;
  readonly heapMiB: number;
}

/** GC pauses as they happen, so a slow-down can be told apart from work that grows with the data. */
const gcPauses: { readonly start: number; readonly duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });

/** Milliseconds of GC pause that began within [from, to). */
function gcPauseMs(from: number, to: number): number {
  return gcPauses.filter((p) => p.start >= from && p.start < to).reduce((sum, p) => sum + p.duration, 0);
}

/** Measures `batch` creates in `ROUNDS` equal rounds after a full GC, so no earlier garbage is billed. */
async function measure(
  sessions: StreamingSessions,
  existing: number,
  batch: number,
  ballastMiB = 0,
): Promise<Measurement> {
  globalThis.gc?.();
  await sleep(100);
  const perRound = Math.ceil(batch / ROUNDS);
  const rates: number[] = [];
  const cpuStart = process.cpuUsage();
  const windowStart = performance.now();
  let wallMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await createMany(sessions, perRound);
    const elapsed = performance.now() - start;
    wallMs += elapsed;
    rates.push(perRound / (elapsed / 1000));
  }
  const cpu = process.cpuUsage(cpuStart);
  const windowEnd = performance.now();
  await sleep(100); // GC entries reach the observer asynchronously
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    existing,
    ballastMiB,
    batch: perRound * ROUNDS,
    medianPerSecond: sorted[Math.floor(sorted.length / 2)] ?? 0,
    roundsPerSecond: rates,
    cpuMicrosPerCreate: (cpu.user + cpu.system) / (perRound * ROUNDS),
    gcShare: gcPauseMs(windowStart, windowEnd) / wallMs,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * About as much heap as a million sessions take, in maps of the same size and objects of similar shape, but
 * outside the store. Creates measured beside it show what a big heap alone costs (GC, cache misses),
 * apart from what a big store costs.
 */
function ballast(entries: number): unknown {
  const maps = [new Map<string, unknown>(), new Map<string, unknown>(), new Map<string, unknown>()];
  for (let i = 0; i < entries; i++) {
    for (const map of maps) {
      map.set(`ballast-${String(i)}-us-west-2:stid-ballast`, {
        i,
        at: new Date(i),
        data: { text: `value-${String(i)}`, list: [i, i + 1], nested: { kind: 'ballast' } },
      });
    }
  }
  return maps;
}

const heapMiB = () => process.memoryUsage().heapUsed / 2 ** 20;
/** Keeps the control's ballast reachable while the control is measured. */
const held: unknown[] = [];

function show(m: Measurement | undefined): void {
  if (m === undefined) return;
  console.log(
    `  ${fmt(m.medianPerSecond)} creates/s (rounds: ${m.roundsPerSecond.map(fmt).join(', ')}), ` +
      `${m.cpuMicrosPerCreate.toFixed(1)} µs CPU per create, GC ${(m.gcShare * 100).toFixed(0)}%, heap ${fmt(m.heapMiB)} MiB`,
  );
}

async function main(): Promise<void> {
  const sizes = option('sizes', '1000,1000000').split(',').map(Number);
  const control = !process.argv.includes('--no-control');
  const batch = Number(option('batch', '20000'));
  if (globalThis.gc === undefined)
    console.warn('Run with --expose-gc (npm run bench:memory does) for stable figures.');

  // Warm the JIT on a separate instance, so the first size is not billed for compilation.
  const warm = await createStreamingSessions({ catalog: seed, startProvisioning: false });
  await createMany(warm, 20_000);
  await warm.close();

  const sessions = await createStreamingSessions({ catalog: seed, startProvisioning: false });
  const results: Measurement[] = [];
  let existing = 0;
  const prefillStart = performance.now();
  const prefill = { seconds: 0, sessions: 0 };
  for (const [index, size] of sizes.entries()) {
    const started = performance.now();
    await createMany(sessions, size - existing);
    prefill.seconds += (performance.now() - started) / 1000;
    prefill.sessions += size - existing;
    existing = size;
    console.log(
      `prefilled ${fmt(size)} sessions (${((performance.now() - prefillStart) / 1000).toFixed(1)} s so far)`,
    );
    results.push(await measure(sessions, existing, batch));
    existing += batch;
    show(results.at(-1));
    if (index === 0 && control) {
      globalThis.gc?.();
      const before = heapMiB();
      held.push(ballast(1_000_000));
      globalThis.gc?.();
      results.push(await measure(sessions, existing, batch, heapMiB() - before));
      held.length = 0;
      existing += batch;
      show(results.at(-1));
    }
  }
  await sessions.close();

  const first = results[0];
  const last = results.at(-1);
  if (first !== undefined && last !== undefined) {
    console.log(
      `ratio at ${fmt(last.existing)} / ${fmt(first.existing)}: creates/s ${(last.medianPerSecond / first.medianPerSecond).toFixed(2)}, ` +
        `CPU per create ${(last.cpuMicrosPerCreate / first.cpuMicrosPerCreate).toFixed(2)}`,
    );
  }
  if (process.argv.includes('--no-write')) return;
  await writeSection('In-memory create', report(results, prefill, batch));
}

function report(
  results: readonly Measurement[],
  prefill: { seconds: number; sessions: number },
  batch: number,
): string {
  const first = results[0];
  const last = results.at(-1);
  const rows = results.map((m) =>
    [
      m.ballastMiB === 0
        ? fmt(m.existing)
        : `${fmt(m.existing)} + ${fmt(m.ballastMiB)} MiB of other objects (control)`,
      fmt(m.batch),
      fmt(m.medianPerSecond),
      (1e6 / m.medianPerSecond).toFixed(1),
      m.cpuMicrosPerCreate.toFixed(1),
      `${(m.gcShare * 100).toFixed(0)} %`,
      fmt(m.heapMiB),
    ].join(' | '),
  );
  const controlRow = results.find((m) => m.ballastMiB > 0);
  const ratio = (f: (m: Measurement) => number, to = last) =>
    first === undefined || to === undefined ? 'n/a' : (f(to) / f(first)).toFixed(2);
  return [
    'Creates per second through the whole in-memory CreateStreamingSession handler: input validation, client',
    'token, catalog facts, quota ledger, decision, and the one atomic commit of session stream, ledger, view,',
    `token record and outbox job. Every create carries a fresh client token; ${String(CONCURRENCY)} requests are in flight`,
    'at once, all in one studio whose quota is raised to 10,000,000 (the worst case: one quota ledger counts',
    'every session). The existing sessions are created through the same handler in the same process',
    `(${fmt(prefill.sessions)} untimed creates in ${prefill.seconds.toFixed(1)} s, plus the timed ones), and at each size ${fmt(batch)} creates`,
    `are timed in ${String(ROUNDS)} rounds after a full GC.`,
    '',
    '| existing sessions | timed creates | creates/s (median round) | wall µs per create | CPU µs per create | GC pauses (share of wall) | heap after (MiB) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r} |`),
    '',
    `At ${fmt(last?.existing ?? 0)} against ${fmt(first?.existing ?? 0)} existing sessions: creates/s ratio **${ratio((m) => m.medianPerSecond)}**,`,
    `CPU per create ratio **${ratio((m) => m.cpuMicrosPerCreate)}** (1.00 = the cost does not grow).`,
    ...(controlRow === undefined
      ? []
      : [
          `The control row keeps a heap about as big as a million sessions' beside a small store: its CPU per create`,
          `ratio is ${ratio((m) => m.cpuMicrosPerCreate, controlRow)}, the part of the slow-down a big heap causes by itself.`,
        ]),
    '',
    'How to read it: the handler does the same work whatever the number of sessions (the quota ledger is',
    'loaded as counters from a snapshot, never by replaying or counting sessions; every lookup is a hash-map',
    'lookup). What can still grow is the JavaScript heap: the in-memory adapter keeps every event, view row,',
    'token record and outbox job, so a million sessions is a heap of a few GiB, whose garbage collection and',
    'cache misses in multi-million-entry maps cost more per create than a small heap does. CPU time per create',
    "includes the garbage collector's helper threads; on a shared machine it is a steadier figure than wall time.",
    '',
    'The script runs Node with `--max-semi-space-size=64` (MiB): a larger young generation promotes fewer',
    'short-lived objects into a multi-GiB old generation. On 2026-11-28, two runs with it gave CPU ratios of',
    "1.91 and 2.26 (creates/s 0.85 and 0.66); one run with V8's default gave 2.76 (creates/s 0.47). An",
    'embedding backend that keeps millions of sessions in memory should set it too; PostgreSQL keeps the',
    'process heap small instead.',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:memory\` on Node ${process.version},`,
    `${cpus()[0]?.model.trim() ?? 'unknown CPU'} (${String(cpus().length)} cores), load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end of the run.`,
  ].join('\n');
}

/**
 * Replaces (or appends) this benchmark's `## title` section of docs/benchmarks.md and leaves every other
 * section alone: each benchmark owns its section.
 */
async function writeSection(title: string, body: string): Promise<void> {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = await readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const lines = text.trimEnd().split('\n');
  const heading = `## ${title}`;
  const section = [heading, '', ...body.trim().split('\n')];
  const start = lines.indexOf(heading);
  let out: string[];
  if (start === -1) {
    out = [...lines, '', ...section];
  } else {
    const next = lines.slice(start + 1).findIndex((line) => line.startsWith('## '));
    const after = next === -1 ? [] : ['', ...lines.slice(start + 1 + next)];
    out = [...lines.slice(0, start), ...section, ...after];
  }
  await writeFile(file, `${out.join('\n')}\n`);
}

await main();

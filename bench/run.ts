/**
 * The one command: runs every workload and writes docs/performance.md and docs/performance.json.
 *
 *   npm run bench                  (from the repository root: installs this package with `npm ci`, then this)
 *   BENCH_QUICK=1 npm run bench    (a smoke run: one short run per case, smaller growth sizes)
 *
 * PostgreSQL at DATABASE_URL (default postgres://127.0.0.1:5432/test). Fails non-zero when a workload's
 * check that every operation landed exactly once fails.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { format, resolveConfig } from 'prettier';
import { fileURLToPath } from 'node:url';
import { newPool } from './lib/library.js';
import { CONCURRENCY, log, QUICK, RUNS, SECONDS } from './lib/measure.js';
import { serverInfo } from './lib/postgres.js';
import { profileHere, type ProfileSummary } from './lib/profile.js';
import { renderMarkdown, type Report } from './lib/report.js';
import { evaluate, type Target, type TargetResult } from './lib/targets.js';
import {
  createWorkloads,
  EMMETT_MEMORY,
  EMMETT_PG,
  FLOOR,
  handlerCase,
  POOL_SIZE,
} from './workloads/create.js';
import { GET_HANDLER, GET_RAW, getWorkload } from './workloads/get.js';
import { growthCase, growthWorkload, SIZES } from './workloads/growth.js';
import { BARE, HTTP_CREATE, HTTP_GET, httpWorkload } from './workloads/http.js';
import { provisioningWorkload } from './workloads/provisioning.js';
import type { Profiler, WorkloadResult } from './workloads/types.js';

const ALL = [1, 8, 32];
const TARGETS: readonly Target[] = [
  {
    id: 'pg-create-floor',
    text: 'PostgreSQL create ≥ 0.65× the same-writes floor',
    table: 'Creates per second, PostgreSQL',
    of: handlerCase('PostgreSQL'),
    to: FLOOR,
    atLeast: 0.65,
    concurrency: [8, 32],
  },
  {
    id: 'pg-create-emmett',
    text: 'PostgreSQL create ≥ 3× Emmett doing the same atomic work',
    table: 'Creates per second, PostgreSQL',
    of: handlerCase('PostgreSQL'),
    to: EMMETT_PG,
    atLeast: 3,
    concurrency: ALL,
  },
  {
    id: 'memory-create-emmett',
    text: "In-memory create ≥ 2× Emmett's in-memory handler",
    table: 'Creates per second, in memory',
    of: handlerCase('in memory'),
    to: EMMETT_MEMORY,
    atLeast: 2,
    concurrency: ALL,
  },
  {
    id: 'http-get',
    text: 'HTTP get ≥ 0.5× the bare endpoint',
    table: 'Requests per second over HTTP',
    of: HTTP_GET,
    to: BARE,
    atLeast: 0.5,
    concurrency: ALL,
  },
  {
    id: 'http-create',
    text: 'HTTP create ≥ 0.3× the bare endpoint',
    table: 'Requests per second over HTTP',
    of: HTTP_CREATE,
    to: BARE,
    atLeast: 0.3,
    concurrency: ALL,
  },
  {
    id: 'pg-get',
    text: 'Get on PostgreSQL ≥ 0.8× the raw SELECT',
    table: 'Gets per second, PostgreSQL',
    of: GET_HANDLER,
    to: GET_RAW,
    atLeast: 0.8,
    concurrency: ALL,
  },
  {
    id: 'growth',
    text: `Growth to ${SIZES.at(-1)!.toLocaleString('en-US')} sessions costs < 10 % of PostgreSQL create throughput`,
    table: 'Growth',
    of: growthCase('create', SIZES.at(-1)!),
    to: growthCase('create', SIZES[0]!),
    atLeast: 0.9,
    concurrency: ALL,
  },
];

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadavg();
  const pool = newPool(POOL_SIZE);
  const profiles: ProfileSummary[] = [];
  const targets: TargetResult[] = [];
  const profile: Profiler = async (tables, label, body, options) => {
    const results = evaluate(TARGETS, tables);
    if (results.every((t) => t.met)) return;
    log(
      `  profiling ${label} (missed: ${[...new Set(results.filter((t) => !t.met).map((t) => t.id))].join(', ')})`,
    );
    profiles.push(
      options?.inProcess === false ? ((await body()) as ProfileSummary) : await profileHere(label, body),
    );
  };
  const workloads: WorkloadResult[] = [];
  try {
    const postgres = await serverInfo(pool);
    log(
      `PostgreSQL ${postgres.version}; ${String(RUNS)} run(s) of ${String(SECONDS)} s per case${QUICK ? ' (quick)' : ''}`,
    );
    workloads.push(...(await createWorkloads(pool, profile)));
    workloads.push(await getWorkload(pool, profile));
    workloads.push(await httpWorkload(profile));
    workloads.push(await provisioningWorkload(pool, profile));
    workloads.push(await growthWorkload(pool, profile));
    targets.push(
      ...evaluate(
        TARGETS,
        workloads.flatMap((w) => w.tables),
      ),
    );
    const report: Report = {
      date: new Date().toISOString().slice(0, 10),
      command: 'npm run bench',
      quick: QUICK,
      durationSeconds: (performance.now() - started) / 1000,
      machine: {
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
        cores: cpus().length,
        memoryGiB: totalmem() / 2 ** 30,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      postgres,
      method: { runs: RUNS, secondsPerRun: SECONDS, concurrency: CONCURRENCY },
      workloads: workloads.map((w) => ({
        ...w,
        tables: w.tables.map((t) => ({
          ...t,
          results: t.results.map((r) => ({
            case: r.case,
            concurrency: r.concurrency,
            rate: Math.round(r.rate * 10) / 10,
            p50Ms: Math.round(r.p50Ms * 1000) / 1000,
            p99Ms: Math.round(r.p99Ms * 1000) / 1000,
            ...(t.cpu === undefined ? {} : { cpuUs: Math.round(r.cpuUs) }),
            ...(t.cpu === 'client-and-database' ? { dbCpuUs: Math.round(r.dbCpuUs) } : {}),
            runs: r.runs,
          })),
        })),
      })),
      targets: targets.map((t) => ({ ...t, ratio: Math.round(t.ratio * 1000) / 1000 })),
      profiles: profiles.map((p) => ({
        ...p,
        totalMs: Math.round(p.totalMs),
        groups: p.groups.map((g) => ({
          ...g,
          ms: Math.round(g.ms),
          share: Math.round(g.share * 1000) / 1000,
        })),
        top: p.top.map((f) => ({ ...f, share: Math.round(f.share * 1000) / 1000 })),
      })),
    };
    await write(report);
    const met = targets.filter((t) => t.met).length;
    log(
      `done in ${report.durationSeconds.toFixed(0)} s: ${String(met)} of ${String(targets.length)} targets met; docs/performance.md and docs/performance.json written`,
    );
  } finally {
    await pool.end();
  }
}

/** Writes both files formatted as the repository's prettier formats them, so `prettier --check .` passes. */
async function write(report: Report): Promise<void> {
  const docs = new URL('../docs/', import.meta.url);
  for (const [name, text, parser] of [
    ['performance.md', renderMarkdown(report), 'markdown'],
    ['performance.json', JSON.stringify(report), 'json'],
  ] as const) {
    const file = new URL(name, docs);
    const config = (await resolveConfig(fileURLToPath(file))) ?? {};
    writeFileSync(file, await format(text, { ...config, parser }));
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
// Pools and timers of the services under test must not keep a finished run alive.
process.exit(process.exitCode ?? 0);

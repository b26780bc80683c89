/**
 * Provisioning benchmark, on the real clock:
 * - **burst**: 500 sessions created at once, each instance taking 5 s to boot (simulated), one worker
 *   with the default window of 16; how long until every one is READY, in boot times. In memory and on
 *   PostgreSQL.
 * - **instant**: on PostgreSQL with a provisioner whose instances are up at once, 16 clients each create a
 *   session and wait for it to be READY, then create the next; the create → READY latency per session,
 *   taken from the create's answer to the commit that records SessionReady.
 * Results go to the "Provisioning" section of docs/benchmarks.md.
 *
 *   DATABASE_URL=postgres://… npm run bench:provisioning     (BENCH_SESSIONS=500 for the instant case)
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import { loadSeed, PostgresCatalog } from '../src/adapters/postgres/catalog.js';
import { migrate } from '../src/adapters/postgres/migrate.js';
import { postgresStorage } from '../src/adapters/postgres/module.js';
import {
  createStreamingSessions,
  SimulatedProvisioner,
  SystemClock,
  TOKENS,
  type Caller,
  type Catalog,
  type Seed,
  type StorageAdapter,
} from '../src/index.js';
import { defaultServiceConfig } from '../src/application/config.js';
import { writeBenchmarkSection } from './doc-section.js';
import { newPool, type Pool } from './lib/library.js';
import { watchingReady } from './lib/watch-ready.js';

const BURST = 500;
const BOOT_MS = 5_000;
const IN_FLIGHT = 16;
const INSTANT_SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2_000);
const STUDIO = 'us-west-2:stid-benchprov000001';
const LP = 'LpBenchProvisioning01';
const ARTIST: Caller = {
  principalId: '92677b4b19-e9fd012a-94ad-4f16-9866-c69a63ab6486',
  kind: 'STUDIO_USER',
};

const seed: Seed = {
  studios: [{ studioId: STUDIO, state: 'READY', quotas: { maxSessions: 1_000_000 } }],
  launchProfiles: [
    {
      launchProfileId: LP,
      studioId: STUDIO,
      state: 'READY',
      streamConfiguration: {
        clipboardMode: 'ENABLED',
        ec2InstanceTypes: ['g4dn.xlarge'],
        streamingImageIds: ['ImgBenchAmazon0000001'],
      },
      launchProfileMembers: [{ principalId: ARTIST.principalId, persona: 'USER' }],
    },
  ],
  streamingImages: [{ streamingImageId: 'ImgBenchAmazon0000001', owner: 'amazon', state: 'READY' }],
};

interface BurstFigures {
  readonly storage: string;
  readonly createMs: number;
  readonly readyMs: number;
}

async function burst(
  storage: string,
  adapter: StorageAdapter | undefined,
  catalog: Seed | Catalog,
): Promise<BurstFigures> {
  const clock = new SystemClock();
  const sessions = await createStreamingSessions({
    catalog,
    clock,
    provisioner: new SimulatedProvisioner(clock, { bootTimeMs: BOOT_MS }),
    ...(adapter === undefined ? {} : { storage: adapter }),
  });
  const views = sessions.container.get(TOKENS.SessionViews);
  const started = performance.now();
  const created = await Promise.all(
    Array.from({ length: BURST }, () =>
      sessions.createStreamingSession({ studioId: STUDIO, launchProfileId: LP }, ARTIST),
    ),
  );
  if (created.some((r) => r.isErr())) throw new Error('a create failed');
  const createMs = performance.now() - started;
  while ((await views.countInProgress()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const readyMs = performance.now() - started;
  await sessions.close();
  return { storage, createMs, readyMs };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function instant(pool: Pool, schema: string) {
  const waiting = new Map<string, () => void>();
  const clock = new SystemClock();
  const sessions = await createStreamingSessions({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: watchingReady(postgresStorage({ pool, schema }), (id) => waiting.get(id)?.()),
    clock,
    provisioner: new SimulatedProvisioner(clock),
  });
  const latencies: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < INSTANT_SESSIONS) {
      next += 1;
      let ready!: () => void;
      const readyNow = new Promise<void>((resolve) => (ready = resolve));
      const result = await sessions.createStreamingSession({ studioId: STUDIO, launchProfileId: LP }, ARTIST);
      const created = performance.now();
      const { sessionId } = result._unsafeUnwrap();
      // The READY commit may land before this line runs: the worker is woken by the create's commit.
      const settled = (async () => {
        waiting.set(sessionId, ready);
        const row = await sessions.container.get(TOKENS.SessionViews).get(STUDIO, sessionId);
        if (row?.session.state === 'READY') ready();
        await readyNow;
      })();
      await settled;
      latencies.push(performance.now() - created);
      waiting.delete(sessionId);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, client));
  const seconds = (performance.now() - started) / 1000;
  await sessions.close();
  latencies.sort((a, b) => a - b);
  return {
    n: latencies.length,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
  };
}

async function run(): Promise<void> {
  const pool = newPool(16);
  const schema = `nss_bench_prov_${process.pid}`;
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  try {
    await migrate(pool, { schema });
    await loadSeed(pool, seed, { schema });
    const bursts = [
      await burst('in memory', undefined, seed),
      await burst('PostgreSQL', postgresStorage({ pool, schema }), new PostgresCatalog({ pool, schema })),
    ];
    await pool.query(`delete from "${schema}".jobs; delete from "${schema}".session_views`);
    const fast = await instant(pool, schema);
    const { rows } = await pool.query<{ server_version: string }>('show server_version');
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:provisioning\` (bench/provisioning.ts) on ${cpus().length} cores`,
      `(${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, PostgreSQL ${rows[0]?.server_version ?? '?'} on loopback;`,
      `load average when the run began: ${load}. One worker per service, default window (${defaultServiceConfig.provisioning.batchSize} steps).`,
      '',
      `**Burst.** ${BURST} sessions created at once, each instance booting for ${BOOT_MS / 1000} s (simulated), real clock.`,
      'A worker holds a job only while it runs a step, so every instance boots at the same time; the goal is',
      'every session READY within two boot times.',
      '',
      '| storage | all created after (ms) | all READY after (ms) | in boot times |',
      '| --- | ---: | ---: | ---: |',
      ...bursts.map(
        (b) =>
          `| ${b.storage} | ${b.createMs.toFixed(0)} | ${b.readyMs.toFixed(0)} | ${(b.readyMs / BOOT_MS).toFixed(2)} |`,
      ),
      '',
      `**Instant provisioner, PostgreSQL.** ${IN_FLIGHT} clients each create a session and wait for it to be READY, then`,
      `create the next; ${fast.n} sessions. Latency from the create's answer to the commit that records SessionReady`,
      '(woken by the create commit, one step: allocate, find the instance running, commit READY with the',
      'job completed). The goal is a p99 under 50 ms; with the previous worker (a 50 ms status poll) it was about 130 ms.',
      '',
      '| sessions | sessions/s | p50 (ms) | p99 (ms) | max (ms) |',
      '| ---: | ---: | ---: | ---: | ---: |',
      `| ${fast.n} | ${(fast.n / fast.seconds).toFixed(0)} | ${fast.p50.toFixed(1)} | ${fast.p99.toFixed(1)} | ${fast.max.toFixed(1)} |`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    writeBenchmarkSection('Provisioning', body);
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

await run();

/**
 * A burst of creates at once in one studio on embedded PostgreSQL (a data directory), with the job
 * worker running (simulated provisioner, 100 ms boots) or stopped: creates per second, the median and
 * slowest answer, and how many checkouts of the one connection each create was matched by in the
 * process (its own commit, plus whatever the worker did meanwhile). docs/storage.md ("Footprint") quotes it.
 *
 *   npm run --prefix bench embedded-burst [-- <creates> [worker]]      (default 600, worker running)
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStreamingSessions, SimulatedProvisioner, SystemClock } from '../src/index.js';
import { embeddedPostgres } from '../src/adapters/postgres/embedded/embedded.js';
import { ARTIST, LP, STUDIO_ID, testSeed } from '../test/application/fixtures.js';

const N = Number(process.argv[2] ?? 600);
const worker = (process.argv[3] ?? 'worker') === 'worker';
const work = mkdtempSync(join(tmpdir(), 'nss-embedded-burst-'));
const storage = embeddedPostgres({ dataDir: join(work, 'data') });
const pool = storage.database.pool as unknown as { connect: () => Promise<unknown> };
const connect = pool.connect.bind(pool);
let checkouts = 0;
pool.connect = () => {
  checkouts++;
  return connect();
};
const clock = new SystemClock();
const sessions = await createStreamingSessions({
  catalog: testSeed({ maxSessions: 1_000_000 }),
  storage,
  clock,
  provisioner: new SimulatedProvisioner(clock, { bootTimeMs: 100 }),
  startProvisioning: worker,
});
try {
  for (let i = 0; i < 20; i++)
    (
      await sessions.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP, clientToken: `warm-${String(i)}` },
        ARTIST,
      )
    )._unsafeUnwrap();
  checkouts = 0;
  const began = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const start = performance.now();
      const result = await sessions.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP, clientToken: `burst-${String(i)}` },
        ARTIST,
      );
      result._unsafeUnwrap();
      return performance.now() - start;
    }),
  );
  const total = performance.now() - began;
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${String(N)} creates at once, worker ${worker ? 'running' : 'stopped'}: ${((N / total) * 1000).toFixed(0)}/s, p50 ${latencies[N >> 1]!.toFixed(0)} ms, slowest ${latencies[N - 1]!.toFixed(0)} ms, ${(checkouts / N).toFixed(2)} checkouts per create\n`,
  );
} finally {
  await sessions.close();
  rmSync(work, { recursive: true, force: true });
}

/** The lifecycle suite on PostgreSQL storage and catalog, with the application tests' seed. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedProvisioner } from 'nimble-streaming-sessions';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import {
  ARTIST,
  ARTIST_2,
  LP,
  ManualClock,
  STUDIO_ID,
  testSeed,
  testService,
  type TestService,
} from '../application/fixtures.js';
import { lifecycleSuite } from '../application/lifecycle-suite.js';
import { pipelineSuite } from '../application/pipeline-suite.js';
import { standingSuite } from '../application/standing-suite.js';
import { clearSchema, count, dropSchema, freshSchema, newPool } from './support.js';

const pool = newPool(8);
let schema: string;
const open: TestService[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_lifecycle');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
  await clearSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

lifecycleSuite('PostgreSQL', async (options = {}) => {
  await loadSeed(pool, testSeed(options.quotas), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: postgresStorage({ pool, schema }),
    ...(options.wrapProvisioner === undefined ? {} : { wrapProvisioner: options.wrapProvisioner }),
  });
  open.push(service);
  return service;
});

pipelineSuite('PostgreSQL', async () => {
  const service = await testService({
    storage: postgresStorage({ pool, schema }),
    config: { maxCommitAttempts: 5 },
  });
  open.push(service);
  return service;
});

standingSuite('PostgreSQL', async (seed) => {
  await loadSeed(pool, seed, { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: postgresStorage({ pool, schema }),
  });
  open.push(service);
  return service;
});

describe('quota slots given back across two services sharing one schema (PostgreSQL)', () => {
  async function twoServices(
    limit: number,
  ): Promise<readonly [TestService, TestService, () => Promise<void>]> {
    await loadSeed(pool, testSeed({ maxSessions: limit, maxSessionsPerInstanceFamily: { g5: 0 } }), {
      schema,
    });
    const otherPool = newPool(8);
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock);
    const [a, b] = await Promise.all(
      [pool, otherPool].map((p) =>
        testService({
          catalog: new PostgresCatalog({ pool: p, schema }),
          storage: postgresStorage({ pool: p, schema }),
          clock,
          cloud,
        }),
      ),
    );
    return [
      a!,
      b!,
      () => Promise.all([a!.sessions.close(), b!.sessions.close()]).then(() => otherPool.end()),
    ];
  }
  const s = () => `"${schema}"`;
  const ledgerTotal = async () =>
    (
      await pool.query<{ total: number }>(
        `select (snapshot->>'total')::int as total from ${s()}.streams where stream_id = $1`,
        [`QuotaLedger:${STUDIO_ID}`],
      )
    ).rows[0]?.total;
  const live = () => count(pool, `select count(*) as n from ${s()}.session_views where state <> 'DELETED'`);
  const create = (service: TestService, caller = ARTIST) =>
    service.sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, caller);

  it('releases a slot whose reservation the releasing service never saw', async () => {
    const [a, b, close] = await twoServices(10);
    try {
      // a's cached ledger knows only ARTIST_2's session; b then reserves ARTIST's.
      (await create(a, ARTIST_2))._unsafeUnwrap();
      const theirs = (await create(b, ARTIST))._unsafeUnwrap().sessionId;
      await b.worker.runDue();
      (
        await b.sessions.deleteStreamingSession({ studioId: STUDIO_ID, sessionId: theirs }, ARTIST)
      )._unsafeUnwrap();
      // a's worker carries the delete out, from a cache in which ARTIST holds nothing.
      await a.worker.runDue();
      expect(
        (
          await a.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId: theirs }, ARTIST)
        )._unsafeUnwrap().state,
      ).toBe('DELETED');
      expect(await ledgerTotal()).toBe(1);
      expect(await live()).toBe(1);
    } finally {
      await close();
    }
  });

  it('releases each deleted session once while both create and delete at the same time', async () => {
    const LIMIT = 30;
    const [a, b, close] = await twoServices(LIMIT);
    try {
      const first = await Promise.all(
        Array.from({ length: LIMIT }, (_, i) => create(i % 2 === 0 ? a : b, i % 3 === 0 ? ARTIST_2 : ARTIST)),
      );
      const ids = first.map((r) => r._unsafeUnwrap().sessionId);
      await a.worker.runDue();
      // Both services delete every session (each delete twice over) while creating more: the ledger's
      // version check arbitrates between them, and every release comes from one SessionDeleted.
      const owners = new Map(first.map((r) => [r._unsafeUnwrap().sessionId, r._unsafeUnwrap().ownedBy]));
      await Promise.all([
        ...ids.flatMap((sessionId) =>
          [a, b].map((service) =>
            service.sessions.deleteStreamingSession(
              { studioId: STUDIO_ID, sessionId },
              owners.get(sessionId) === ARTIST_2.principalId ? ARTIST_2 : ARTIST,
            ),
          ),
        ),
        ...Array.from({ length: 10 }, (_, i) => create(i % 2 === 0 ? b : a)),
        a.worker.runDue(),
        b.worker.runDue(),
      ]);
      await Promise.all([a.worker.runDue(), b.worker.runDue()]);
      await a.worker.runDue();
      expect(await ledgerTotal()).toBe(await live());
      const events = (type: string) =>
        count(pool, `select count(*) as n from ${s()}.events where type = $1`, [type]);
      expect(await events('SessionDeleted')).toBe(LIMIT);
      expect(await events('SessionSlotReleased')).toBe(LIMIT);
    } finally {
      await close();
    }
  });
});

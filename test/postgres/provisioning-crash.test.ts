/**
 * Three provisioning workers in three OS processes share one jobs table; one is killed with SIGKILL
 * half-way, while some jobs are held by it and others wait, rescheduled into the future, for their
 * instance's boot to end. Every session must still end READY, with exactly one instance allocated for
 * it, and no job may stay claimed forever.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSeed } from '../../src/adapters/postgres/catalog.js';
import { PostgresInstanceRegistry } from '../../src/adapters/postgres/instance-registry.js';
import { SystemClock } from '../../src/adapters/system/clock.js';
import { raceSeed, ROOMY_STUDIO } from './race-seed.js';
import { count, dropSchema, freshSchema, newPool } from './support.js';
import type { CreateAnswer } from './workers/creator.js';
import { startChild, stopChild, type Child } from './workers/harness.js';

const SESSIONS = 1000;
const LEASE_MS = 1500;
const BOOT_MS = 1000;
const pool = newPool(4);
let schema: string | undefined;
const children: Child[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_crash');
  await loadSeed(pool, raceSeed(0, 5), { schema });
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map(stopChild));
  await dropSchema(pool, schema);
  await pool.end();
});

describe('PostgreSQL provisioning across processes', () => {
  it('finishes every session exactly once when one of three workers is killed half-way', async () => {
    const s = `"${schema!}"`;
    const creator = await startChild('creator.ts', [schema!]);
    children.push(creator);
    const answers = (
      await creator.request<{ answers: CreateAnswer[] }>({
        type: 'creates',
        items: Array.from({ length: SESSIONS }, () => ({ studioId: ROOMY_STUDIO })),
        concurrency: 16,
      })
    ).answers;
    expect(answers.filter((a) => 'ok' in a)).toHaveLength(SESSIONS);

    const workers = await Promise.all(
      [0, 1, 2].map(() => startChild('provisioner.ts', [schema!, String(LEASE_MS), String(BOOT_MS)])),
    );
    children.push(...workers);
    const victim = workers[0]!;
    // Kill once half the sessions are READY, at a moment the victim holds leased jobs of its own.
    const held = () =>
      count(pool, `select count(*) as n from ${s}.jobs where owner like $1`, [`%-${victim.pid}`]);
    await vi.waitFor(
      async () => {
        expect(
          await count(pool, `select count(*) as n from ${s}.session_views where state = 'READY'`),
        ).toBeGreaterThanOrEqual(SESSIONS / 2);
        expect(await held()).toBeGreaterThanOrEqual(3);
      },
      { timeout: 120_000, interval: 5 },
    );
    victim.process.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const orphaned = await pool.query<{ studio_id: string; session_id: string }>(
      `select studio_id, entity_id as session_id from ${s}.jobs where owner like $1`,
      [`%-${victim.pid}`],
    );
    expect(orphaned.rows.length).toBeGreaterThan(0);

    // The survivors take over the victim's jobs once their leases end.
    await vi.waitFor(
      async () => {
        expect(await count(pool, `select count(*) as n from ${s}.jobs where kind = 'provision'`)).toBe(0);
      },
      { timeout: 120_000, interval: 100 },
    );

    const states = await pool.query<{ state: string; n: string }>(
      `select state, count(*) as n from ${s}.session_views group by state`,
    );
    expect(states.rows.map((r) => [r.state, Number(r.n)])).toEqual([['READY', SESSIONS]]);
    // One instance per session, distinct, and the one the session records.
    expect(await count(pool, `select count(*) as n from ${s}.instance_allocations`)).toBe(SESSIONS);
    expect(await count(pool, `select count(distinct instance_id) as n from ${s}.instance_allocations`)).toBe(
      SESSIONS,
    );
    expect(
      await count(
        pool,
        `select count(*) as n from ${s}.session_views v join ${s}.instance_allocations a using (studio_id, session_id)
         where v.session->>'instanceId' = a.instance_id`,
      ),
    ).toBe(SESSIONS);
    // Each session's stream recorded one allocation and became ready once.
    const streams = await pool.query<{ types: string; n: string }>(
      `select types, count(*) as n from (
         select string_agg(type, ',' order by version) as types from ${s}.events
         where stream_id like 'StreamingSession:%' group by stream_id) t group by types`,
    );
    expect(streams.rows.map((r) => [r.types, Number(r.n)])).toEqual([
      ['SessionRequested,InstanceAllocated,SessionReady', SESSIONS],
    ]);

    // Asking again for the victim's sessions, from yet another process's registry, is answered with the
    // same instance, and allocates nothing new.
    const registry = new PostgresInstanceRegistry({ pool, schema: schema! }, new SystemClock());
    for (const { studio_id, session_id } of orphaned.rows) {
      const before = await pool.query<{ instance_id: string }>(
        `select instance_id from ${s}.instance_allocations where studio_id = $1 and session_id = $2`,
        [studio_id, session_id],
      );
      const again = await registry.allocate({
        studioId: studio_id,
        sessionId: session_id,
        launchProfileId: 'any',
        ec2InstanceType: 'g4dn.xlarge',
        streamingImageId: 'any',
        ownedBy: 'any',
      });
      expect(again._unsafeUnwrap().instanceId).toBe(before.rows[0]?.instance_id);
    }
    expect(await count(pool, `select count(*) as n from ${s}.instance_allocations`)).toBe(SESSIONS);
  }, 240_000);
});

/**
 * Client-token retention on a PostgreSQL server: the shared suite, rows counted in the schema's
 * client_tokens table; an upgrade from a schema written by the previous release (migration 3, tokens
 * in it); and several processes starting at once on one schema.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStreamingSessions, TOKENS, type CreateStreamingSessionInput } from 'nimble-streaming-sessions';
import { defaultServiceConfig } from '../../src/application/config.js';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { migrate, schemaVersion } from '../../src/adapters/postgres/migrate.js';
import { LATEST_SCHEMA_VERSION } from '../../src/adapters/postgres/migrations/index.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { clientTokenRetentionSuite } from '../application/client-token-retention-suite.js';
import {
  ARTIST,
  LP,
  ManualClock,
  STUDIO_ID,
  T0,
  testSeed,
  testService,
  type TestService,
} from '../application/fixtures.js';
import { sessionOf } from '../application/results.js';
import { previousReleaseStorage } from './previous-release.js';
import { clearSchema, count, dropSchema, freshSchema, newPool } from './support.js';

const pool = newPool(8);
let schema: string;
const open: TestService[] = [];
const extraSchemas: string[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_tokens');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
  await clearSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  for (const s of extraSchemas) await dropSchema(pool, s);
  await pool.end();
});

clientTokenRetentionSuite('PostgreSQL', async ({ config, spy }) => {
  await loadSeed(pool, testSeed(), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: spy(postgresStorage({ pool, schema })),
    config,
  });
  open.push(service);
  return {
    service,
    countTokens: () => count(pool, `select count(*) as n from "${schema}".client_tokens`),
  };
});

const HOUR = 60 * 60_000;
const RETENTION = defaultServiceConfig.clientTokenTtlMs;
const INTERVAL = defaultServiceConfig.clientTokenSweepIntervalMs;
const plain: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };

describe('client-token retention across an upgrade (PostgreSQL)', () => {
  it('opens a schema the previous release wrote, keeps its tokens working and sweeps the expired ones', async () => {
    const old = `nss_tokens_v3_${process.pid}`;
    extraSchemas.push(old);
    await dropSchema(pool, old);
    expect(await migrate(pool, { schema: old, toVersion: 3 })).toEqual({ applied: [1, 2, 3], version: 3 });
    await loadSeed(pool, testSeed(), { schema: old });
    const s = `"${old}"`;

    // The previous release: its commit function (migration 3), as it called it, and a service that never
    // heard of the sweep. Its storage skips the version check, which that release passed at version 3.
    const clock = new ManualClock();
    const previous = await createStreamingSessions({
      catalog: new PostgresCatalog({ pool, schema: old }),
      storage: previousReleaseStorage({ pool, schema: old }),
      clock,
      startProvisioning: false,
    });
    const kept: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await previous.createStreamingSession({ ...plain, clientToken: `kept-${i}` }, ARTIST);
      kept.push(sessionOf(created).sessionId);
    }
    await previous.close();
    // Records that had expired long before the upgrade, never removed by that release.
    await pool.query(
      `insert into ${s}.client_tokens (studio_id, operation, client_token, fingerprint, session_id, expires_at)
       select $1, 'StopStreamingSession', 'left-over-' || i, 'f', 'session-' || i, $2::float8 - i
       from generate_series(1, 10) i`,
      [STUDIO_ID, T0 - HOUR],
    );
    expect(await count(pool, `select count(*) as n from ${s}.client_tokens`)).toBe(13);
    expect(await count(pool, `select count(*) as n from ${s}.jobs where kind = 'expire-client-tokens'`)).toBe(
      0,
    );

    // The new release migrates as it starts.
    clock.set(T0 + HOUR);
    const service = await testService({
      catalog: new PostgresCatalog({ pool, schema: old }),
      storage: postgresStorage({ pool, schema: old, migrate: true }),
      clock,
      config: { clientTokenSweepBatchSize: 4 },
    });
    open.push(service);
    expect(await schemaVersion(pool, old)).toBe(LATEST_SCHEMA_VERSION);
    const indexes = await pool.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = $1 and tablename = 'client_tokens'`,
      [old],
    );
    expect(indexes.rows.map((r) => r.indexdef).join('\n')).toMatch(/client_tokens_expiry .*\(expires_at\)/);

    await service.worker.runDue();
    const sweep = await pool.query<{ due_at: number }>(
      `select due_at from ${s}.jobs where kind = 'expire-client-tokens' and studio_id = '' and entity_id = ''`,
    );
    expect(sweep.rows.map((r) => r.due_at)).toEqual([T0 + HOUR + INTERVAL]);
    // The unexpired tokens still answer with their sessions.
    for (let i = 0; i < 3; i++) {
      const replayed = await service.sessions.createStreamingSession(
        { ...plain, clientToken: `kept-${i}` },
        ARTIST,
      );
      expect(sessionOf(replayed).sessionId).toBe(kept[i]);
    }

    clock.set(T0 + HOUR + INTERVAL);
    await service.worker.runDue();
    expect(await count(pool, `select count(*) as n from ${s}.client_tokens`)).toBe(3);
    expect(
      await count(pool, `select count(*) as n from ${s}.client_tokens where client_token like 'kept-%'`),
    ).toBe(3);

    clock.set(T0 + RETENTION + INTERVAL);
    await service.worker.runDue();
    expect(await count(pool, `select count(*) as n from ${s}.client_tokens`)).toBe(0);
    expect(await count(pool, `select count(*) as n from ${s}.jobs where kind = 'expire-client-tokens'`)).toBe(
      1,
    );
  });

  it('makes one sweep job when several processes start on one schema at once', async () => {
    const shared = await freshSchema(pool, 'nss_tokens_start');
    extraSchemas.push(shared);
    await loadSeed(pool, testSeed(), { schema: shared });
    const pools = Array.from({ length: 4 }, () => newPool(2));
    const clock = new ManualClock();
    try {
      const services = await Promise.all(
        pools.map((p) =>
          testService({
            catalog: new PostgresCatalog({ pool: p, schema: shared }),
            storage: postgresStorage({ pool: p, schema: shared, migrate: true }),
            clock,
          }),
        ),
      );
      open.push(...services);
      await Promise.all(services.map((service) => service.worker.runDue()));
      expect(services.every((service) => service.logger.records.every((r) => r.level !== 'error'))).toBe(
        true,
      );
      const rows = await pool.query<{ studio_id: string; entity_id: string; due_at: number }>(
        `select studio_id, entity_id, due_at from "${shared}".jobs where kind = 'expire-client-tokens'`,
      );
      expect(rows.rows).toEqual([{ studio_id: '', entity_id: '', due_at: T0 + INTERVAL }]);

      // Started again, as after a deployment: still the one job, its due time unchanged.
      clock.advance(10 * 60_000);
      const restarted = await testService({
        catalog: new PostgresCatalog({ pool, schema: shared }),
        storage: postgresStorage({ pool, schema: shared }),
        clock,
      });
      open.push(restarted);
      await restarted.worker.runDue();
      expect(
        await count(pool, `select count(*) as n from "${shared}".jobs where kind = 'expire-client-tokens'`),
      ).toBe(1);
      expect(await restarted.sessions.container.get(TOKENS.JobQueue).nextDueAt()).toBe(T0 + INTERVAL);
    } finally {
      await Promise.all(open.splice(0).map((service) => service.sessions.close()));
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});

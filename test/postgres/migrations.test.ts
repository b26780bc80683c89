import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../src/adapters/postgres/migrations/index.js';
import { migrate, schemaVersion } from '../../src/adapters/postgres/migrate.js';
import { PostgresJobQueue } from '../../src/adapters/postgres/job-queue.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { dropSchema, newPool } from './support.js';

const pool = newPool(4);
const schemas: string[] = [];
const named = (suffix: string) => {
  const schema = `nss_mig_${process.pid}_${suffix}`;
  schemas.push(schema);
  return schema;
};

afterAll(async () => {
  for (const schema of schemas) await dropSchema(pool, schema);
  await pool.end();
});

describe('PostgreSQL migrations', () => {
  it('creates a schema at the latest version, and does nothing the second time', async () => {
    const schema = named('twice');
    expect(await schemaVersion(pool, schema)).toBe(0);
    const first = await migrate(pool, { schema });
    expect(first).toEqual({
      applied: Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
      version: LATEST_SCHEMA_VERSION,
    });
    expect(await migrate(pool, { schema })).toEqual({ applied: [], version: LATEST_SCHEMA_VERSION });
    expect(await schemaVersion(pool, schema)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('lets many pools migrate one schema at once: exactly one applies each version', async () => {
    const schema = named('race');
    const pools = Array.from({ length: 4 }, () => newPool(1));
    const results = await Promise.all(pools.map((p) => migrate(p, { schema })));
    await Promise.all(pools.map((p) => p.end()));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    const { rows } = await pool.query<{ version: number }>(
      `select version from "${schema}".schema_migrations order by version`,
    );
    expect(rows.map((r) => r.version)).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  });

  it('refuses to open on a schema that was never migrated, and migrates when asked to', async () => {
    const schema = named('open');
    const plain = postgresStorage({ pool, schema });
    await expect(plain.open()).rejects.toThrow(/version 0; this code needs/);
    const migrating = postgresStorage({ pool, schema, migrate: true });
    await migrating.open();
    expect(await schemaVersion(pool, schema)).toBe(LATEST_SCHEMA_VERSION);
    await plain.open();
    await Promise.all([plain.close(), migrating.close()]);
  });

  it('accepts only plain lowercase schema names', async () => {
    for (const schema of ['Upper', 'with-dash', 'x"; drop table y; --', '', '1starts_with_digit']) {
      await expect(migrate(pool, { schema })).rejects.toThrow(/Invalid schema name/);
      expect(() => postgresStorage({ pool, schema })).toThrow(/Invalid schema name/);
    }
  });
});

describe('migration 3: the provisioning outbox becomes scheduled jobs, in place', () => {
  it('keeps the waiting and the leased jobs of a version-2 schema, claimable as provisioning jobs', async () => {
    const schema = named('v2');
    expect(await migrate(pool, { schema, toVersion: 2 })).toEqual({ applied: [1, 2], version: 2 });
    const s = `"${schema}"`;
    const studio = 'us-west-2:stid-upgrade000000001';
    await pool.query(
      `insert into ${s}.provisioning_outbox (studio_id, session_id, owner, lease_until, attempts)
       values ($1, 'waiting', null, 0, 0), ($1, 'leased', 'worker-gone-1', 5000, 2)`,
      [studio],
    );
    expect(await migrate(pool, { schema })).toEqual({
      applied: Array.from({ length: LATEST_SCHEMA_VERSION - 2 }, (_, i) => i + 3),
      version: LATEST_SCHEMA_VERSION,
    });
    const storage = postgresStorage({ pool, schema });
    await storage.open();
    const queue = new PostgresJobQueue(storage.database);
    expect(await queue.stats(1000)).toEqual({ due: 1, scheduled: 0, held: 1, oldestDueAt: 0 });
    expect(await queue.claim('w', 10, 100, 1000)).toEqual([
      {
        studioId: studio,
        entity: { kind: 'session', id: 'waiting' },
        kind: 'provision',
        attempts: 1,
        leaseUntil: 1100,
      },
    ]);
    // The lease a worker held before the upgrade still ends when it did.
    expect(await queue.claim('w', 10, 100, 4999)).toEqual([
      {
        studioId: studio,
        entity: { kind: 'session', id: 'waiting' },
        kind: 'provision',
        attempts: 2,
        leaseUntil: 5099,
      },
    ]);
    expect(await queue.claim('w', 10, 100, 5000)).toEqual([
      {
        studioId: studio,
        entity: { kind: 'session', id: 'leased' },
        kind: 'provision',
        attempts: 3,
        leaseUntil: 5100,
      },
    ]);
    await storage.close();
  });
});

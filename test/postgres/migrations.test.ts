import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../src/adapters/postgres/migrations/index.js';
import { migrate, schemaVersion } from '../../src/adapters/postgres/migrate.js';
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

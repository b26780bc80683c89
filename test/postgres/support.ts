/**
 * What the PostgreSQL tests share: the server (DATABASE_URL, default postgres://127.0.0.1:5432/test), a
 * schema of their own per test file, and the adapter set assembled through its module.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Container } from 'inversify';
import pg from 'pg';
import { TOKENS } from 'nimble-streaming-sessions';
import type { EventStoreContractSubject } from 'nimble-streaming-sessions/testing';
import { withDefaultUser } from '../../src/adapters/postgres/database.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { postgresStorage, type PostgresStorageAdapter } from '../../src/adapters/postgres/module.js';

export const DATABASE_URL = withDefaultUser(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test');

/** A pool of the test server; idle-connection errors are the pool's business, not the test's. */
export function newPool(max = 8): pg.Pool {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max });
  pool.on('error', () => undefined);
  return pool;
}

/** A new, migrated schema with a random name. */
export async function freshSchema(pool: pg.Pool, prefix = 'nss_test'): Promise<string> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await migrate(pool, { schema });
  return schema;
}

export async function dropSchema(pool: pg.Pool, schema: string | undefined): Promise<void> {
  if (schema !== undefined) await pool.query(`drop schema if exists "${schema}" cascade`);
}

/** Empties the tables that commits write (not the catalog): faster than a new schema per test. */
export async function clearSchema(pool: pg.Pool, schema: string): Promise<void> {
  const tables = ['events', 'streams', 'client_tokens', 'session_views', 'jobs', 'instance_allocations'];
  await pool.query(tables.map((t) => `delete from "${schema}".${t};`).join('\n'));
}

/** The storage adapter's three ports, resolved through its module as the service resolves them. */
export async function openSubject(
  pool: pg.Pool,
  schema: string,
): Promise<
  EventStoreContractSubject & {
    readonly storage: PostgresStorageAdapter;
  }
> {
  const storage = postgresStorage({ pool, schema });
  await storage.open();
  const container = new Container();
  container.load(storage.module);
  return {
    storage,
    store: container.get(TOKENS.EventStore),
    views: container.get(TOKENS.SessionViews),
    queue: container.get(TOKENS.JobQueue),
    close: () => storage.close(),
  };
}

/** Counts rows of a query's first column. */
export async function count(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}

import type { Pool, PoolClient } from 'pg';
import { schemaIdentifier } from './codec.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type SchemaLocks } from './migrations/index.js';

/** The schema used when none is configured. */
export const DEFAULT_SCHEMA = 'nimble_sessions';

const MIGRATE_LOCK_CLASS = 0x4e53_4d31; // "NSM1"
const LOG_BARRIER_LOCK_CLASS = 0x4e53_4231; // "NSB1"

/** FNV-1a of the schema name as a signed 32-bit integer: a stable advisory-lock key per schema. */
function schemaKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < schema.length; i++) {
    hash ^= schema.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** The advisory-lock keys of a schema. */
export function schemaLocks(schema: string): SchemaLocks {
  const key = schemaKey(schema);
  return {
    migrate: [MIGRATE_LOCK_CLASS, key],
    logBarrier: [LOG_BARRIER_LOCK_CLASS, key],
  };
}

/** What `migrate` did. */
export interface MigrateResult {
  /** The versions this call applied (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema's version afterwards. */
  readonly version: number;
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Creates the schema or brings it up to date: every missing migration, in order, in one transaction under
 * an advisory lock, so any number of processes may call it at once and exactly one does the work. The
 * adapter itself never runs DDL; call this at deployment (`npm run migrate`) or at start-up.
 */
export async function migrate(
  pool: Pool,
  options: {
    readonly schema?: string;
    /** Stop after this version (default: the latest), to stage an upgrade or to test one. */
    readonly toVersion?: number;
  } = {},
): Promise<MigrateResult> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = schemaIdentifier(schema);
  const locks = schemaLocks(schema);
  return inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock($1, $2)', [...locks.migrate]);
    await client.query(`create schema if not exists ${s}`);
    await client.query(
      `create table if not exists ${s}.schema_migrations (
         version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const { rows } = await client.query<{ version: number }>(`select version from ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version) || migration.version > (options.toVersion ?? Infinity)) continue;
      await client.query(migration.sql(s, locks));
      await client.query(`insert into ${s}.schema_migrations (version, name) values ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return { applied, version: Math.max(0, ...done, ...applied) };
  });
}

/** The schema's migration version: 0 when it has never been migrated. */
export async function schemaVersion(pool: Pool, schema: string = DEFAULT_SCHEMA): Promise<number> {
  const table = `${schemaIdentifier(schema)}.schema_migrations`;
  const exists = await pool.query<{ found: boolean }>('select to_regclass($1) is not null as found', [table]);
  if (exists.rows[0]?.found !== true) return 0;
  const { rows } = await pool.query<{ version: number | null }>(
    `select max(version) as version from ${table}`,
  );
  return rows[0]?.version ?? 0;
}

/** Throws unless the schema is at the version this code expects: the adapter's start-up check. */
export async function assertSchemaCurrent(pool: Pool, schema: string = DEFAULT_SCHEMA): Promise<void> {
  const version = await schemaVersion(pool, schema);
  if (version !== LATEST_SCHEMA_VERSION) {
    throw new Error(
      `The PostgreSQL schema "${schema}" is at version ${version}; this code needs ${LATEST_SCHEMA_VERSION}. ` +
        'Run the migrations first (migrate(pool, { schema }) or npm run migrate).',
    );
  }
}

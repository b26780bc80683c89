/** PostgreSQL plumbing: a dedicated schema per workload, dropped afterwards, and the server's settings. */
import { randomUUID } from 'node:crypto';
import type { Pool } from './library.js';

/** Runs `body` with a fresh schema named after the workload, and drops the schema however it ends. */
export async function withSchema<T>(
  pool: Pool,
  workload: string,
  body: (schema: string) => Promise<T>,
): Promise<T> {
  const schema = `nss_bench_${workload}_${randomUUID().slice(0, 8)}`;
  try {
    return await body(schema);
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
  }
}

export interface ServerInfo {
  readonly version: string;
  readonly settings: Readonly<Record<string, string>>;
}

/** The server's version and the settings that decide what a commit costs. */
export async function serverInfo(pool: Pool): Promise<ServerInfo> {
  const names = ['synchronous_commit', 'fsync', 'shared_buffers', 'wal_level', 'max_connections'];
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from pg_settings where name = any($1) order by name`,
    [names],
  );
  const version = await pool.query<{ server_version: string }>('show server_version');
  return {
    version: version.rows[0]?.server_version ?? 'unknown',
    settings: Object.fromEntries(rows.map((r) => [r.name, r.setting])),
  };
}

/** `select count(*)` as a number. */
export async function count(pool: Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`select count(*) as n from ${sql}`, values);
  return Number(rows[0]?.n ?? 0);
}

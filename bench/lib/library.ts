/**
 * The library under test, and the runtime dependencies the benchmarks share with it.
 *
 * The benchmarks import the library from the repository's source (`../src`, run by tsx), not from a
 * build: a measurement is of the tree as it is, with no build step to forget between an edit and a run,
 * and CPU profiles name the `.ts` files. tsx only strips types (esbuild, the same ES2022 that `tsc` emits
 * here), so the code that runs is the code a build would ship.
 *
 * `pg` and `fastify` are taken from the repository root, where the library resolves them, rather than from
 * this package (Emmett brings its own `pg`): the adapter recognises driver errors with
 * `instanceof pg.DatabaseError`, so a pool it is handed must come from its own copy of the driver, and the
 * bare fastify endpoint must be the fastify the HTTP adapter runs on.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { PostgresConnectionOptions } from '../../src/adapters/postgres/index.js';
import { withDefaultUser } from '../../src/adapters/postgres/index.js';

const fromRoot = createRequire(new URL('../../package.json', import.meta.url));

/** A pool of the library's own `pg`. */
export type Pool = NonNullable<PostgresConnectionOptions['pool']>;

const pg = fromRoot('pg') as {
  Pool: new (config: { connectionString: string; max?: number }) => Pool;
};

/** Where PostgreSQL is: DATABASE_URL, or the local server the tests use. */
export const DATABASE_URL = withDefaultUser(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test');

/** A pool of the library's `pg` on DATABASE_URL. */
export function newPool(max: number): Pool {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max });
  pool.on('error', () => undefined);
  return pool;
}

/** The fastify the HTTP adapter runs on. */
export const fastify = fromRoot('fastify') as (options?: object) => FastifyInstance;

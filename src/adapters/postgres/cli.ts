/**
 * `npm run migrate`: brings a schema up to date, and optionally loads a seed file into the catalog tables.
 *
 *   DATABASE_URL=postgres://… npm run migrate -- [--schema nimble_sessions] [--seed seeds/demo.json]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseSeed } from '../../application/seed.js';
import { loadSeed } from './catalog.js';
import { withDefaultUser } from './database.js';
import { DEFAULT_SCHEMA, migrate } from './migrate.js';

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { schema: { type: 'string' }, seed: { type: 'string' } },
  });
  const schema = values.schema ?? process.env.NSS_SCHEMA ?? DEFAULT_SCHEMA;
  const pool = new pg.Pool({
    connectionString: withDefaultUser(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'),
    max: 1,
  });
  try {
    const result = await migrate(pool, { schema });
    const applied = result.applied.length === 0 ? 'nothing to apply' : `applied ${result.applied.join(', ')}`;
    console.log(`schema ${schema}: ${applied}; now at version ${result.version}`);
    if (values.seed !== undefined) {
      const seed = parseSeed(JSON.parse(await readFile(values.seed, 'utf8')));
      if (seed.isErr()) {
        console.error(`invalid seed ${values.seed}: ${seed.error.message}`);
        return 1;
      }
      await loadSeed(pool, seed.value, { schema });
      console.log(`loaded the catalog of ${values.seed} (${seed.value.studios.length} studios)`);
    }
    return 0;
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

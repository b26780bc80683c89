import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lockDataDirectory } from './data-dir-lock.js';
import { postgresStorage, type PostgresStorageAdapter } from '../module.js';
import { EmbeddedPool, PG_COMPATIBLE_PARSERS, type EmbeddedDatabase } from './pglite-pool.js';

/** The embedded database's package: an optional peer dependency, installed by those who use it. */
export const PGLITE_PACKAGE = '@electric-sql/pglite';

/** Where PGlite keeps PostgreSQL's own files inside the data directory (beside the lock file). */
export const PGDATA_SUBDIRECTORY = 'pgdata';

/** The embedded PostgreSQL storage's settings. */
export interface EmbeddedPostgresOptions {
  /**
   * The directory the database persists to, created if missing, held by one process at a time. Absent:
   * the database lives in memory and is gone on close (the same SQL, for tests).
   */
  readonly dataDir?: string;
  /** The schema the tables live in (default `nimble_sessions`). */
  readonly schema?: string;
}

/** The PostgreSQL storage adapter on an embedded database, with where it persists. */
export interface EmbeddedPostgresStorageAdapter extends PostgresStorageAdapter {
  /** The data directory as an absolute path, or undefined in memory. */
  readonly dataDir: string | undefined;
}

/** PGlite's constructor, as this adapter calls it: every setting in one options object. */
type PGliteConstructor = new (options: {
  readonly dataDir?: string;
  readonly parsers: typeof PG_COMPATIBLE_PARSERS;
}) => EmbeddedDatabase & { readonly waitReady: Promise<void> };

async function loadPGlite(): Promise<PGliteConstructor> {
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    return PGlite;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(
        `Embedded PostgreSQL needs the optional package ${PGLITE_PACKAGE}: npm install ${PGLITE_PACKAGE}`,
      );
    }
    throw error;
  }
}

/**
 * The PostgreSQL storage adapter (the same migrations, SQL and commit function as on a server) running on
 * PGlite, PostgreSQL compiled to WebAssembly, in this process. Durable in a data directory with no
 * database server to run; in memory without one.
 *
 * What differs from a server, and why nothing else has to:
 * - One connection. PGlite is one PostgreSQL backend, so checkouts take turns: a transaction owns it
 *   from `begin` to release. Row locks and `SKIP LOCKED` still hold; nothing else contends.
 * - One process. A lock file in the data directory refuses a second process (`DataDirectoryInUseError`);
 *   workers are woken in process, so LISTEN/NOTIFY is not used. Advisory locks work as on a server.
 * - The database opens on the first call (in `open()`, which also migrates the schema).
 *
 * @example
 * const storage = embeddedPostgres({ dataDir: './.nimble-data' });
 * const sessions = await createStreamingSessions({ catalog: seed, storage });
 */
export function embeddedPostgres(options: EmbeddedPostgresOptions = {}): EmbeddedPostgresStorageAdapter {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  let unlock: (() => Promise<void>) | undefined;
  const pool = new EmbeddedPool(async () => {
    const PGlite = await loadPGlite();
    if (dataDir === undefined) {
      const db = new PGlite({ parsers: PG_COMPATIBLE_PARSERS });
      await db.waitReady;
      return db;
    }
    await mkdir(dataDir, { recursive: true }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot use ${dataDir} as the data directory: ${reason}`);
    });
    const release = await lockDataDirectory(dataDir);
    try {
      const db = new PGlite({ dataDir: join(dataDir, PGDATA_SUBDIRECTORY), parsers: PG_COMPATIBLE_PARSERS });
      await db.waitReady;
      unlock = release;
      return db;
    } catch (error) {
      await release();
      throw error;
    }
  });
  const storage = postgresStorage({
    pool: pool.asPool(),
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    migrate: true,
    crossProcess: false,
  });
  return {
    ...storage,
    name: 'embedded-postgres',
    dataDir,
    close: async () => {
      await storage.close();
      await pool.end();
      await unlock?.();
      unlock = undefined;
    },
  };
}

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lockDataDirectory } from './data-dir-lock.js';
import { postgresStorage, type PostgresStorageAdapter } from '../module.js';
import { EmbeddedPool, PG_COMPATIBLE_PARSERS, type EmbeddedDatabase } from './pglite-pool.js';
import { createFromTemplate, findTemplate } from './template.js';

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
  /**
   * The directory of a pre-initialised data directory (default: the one `npm run build` writes to
   * `dist/pgdata-template/`, used when the installed PGlite made it). A new database starts as a copy of
   * it instead of running initdb in this process. `false`: always run initdb, as PGlite does by itself.
   */
  readonly template?: string | false;
  /**
   * PostgreSQL settings for the embedded database, each passed as `-c name=value` when it starts (they
   * override the data directory's postgresql.conf and change no file). Merged over
   * {@link EMBEDDED_SETTINGS}.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * What the embedded database runs with beyond PGlite's own start parameters. PostgreSQL's default
 * `shared_buffers` (128MB) is touched whole inside PGlite's WebAssembly memory as the database starts,
 * so it is resident from the first request on, even for an empty database; 16MB holds a development
 * server's working set (the sessions view, the open jobs, the indexes) and costs 112 MiB less.
 * `wal_buffers` stays at the 4MB that 128MB of shared buffers would give it (by default it is a 32nd
 * of them): with 512kB, commits wrote the log out more often, and creates were measurably slower.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  wal_buffers: '4MB',
};

/** The PostgreSQL storage adapter on an embedded database, with where it persists. */
export interface EmbeddedPostgresStorageAdapter extends PostgresStorageAdapter {
  /** The data directory as an absolute path, or undefined in memory. */
  readonly dataDir: string | undefined;
}

/** PGlite's constructor, as this adapter calls it: every setting in one options object. */
type PGliteConstructor = (new (options: {
  readonly dataDir?: string;
  readonly parsers: typeof PG_COMPATIBLE_PARSERS;
  readonly loadDataDir?: Blob;
  readonly startParams?: string[];
}) => EmbeddedDatabase & { readonly waitReady: Promise<void> }) & {
  /** The parameters PGlite starts PostgreSQL with when given none. */
  readonly defaultStartParams?: readonly string[];
};

/** PGlite's own start parameters with the settings added, or none if this PGlite does not expose them. */
function startParams(
  PGlite: PGliteConstructor,
  settings: Readonly<Record<string, string>>,
): string[] | undefined {
  const defaults: unknown = PGlite.defaultStartParams;
  if (!Array.isArray(defaults) || !defaults.every((p): p is string => typeof p === 'string'))
    return undefined;
  const extra = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return [...defaults, ...extra];
}

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
  const settings = { ...EMBEDDED_SETTINGS, ...options.settings };
  const pool = new EmbeddedPool(async () => {
    const PGlite = await loadPGlite();
    const template = options.template === false ? undefined : findTemplate(options.template);
    const params = startParams(PGlite, settings);
    const common = {
      parsers: PG_COMPATIBLE_PARSERS,
      ...(params === undefined ? {} : { startParams: params }),
    };
    if (dataDir === undefined) {
      const db = new PGlite({
        ...common,
        ...(template === undefined ? {} : { loadDataDir: new Blob([await readFile(template.archive)]) }),
      });
      await db.waitReady;
      return db;
    }
    await mkdir(dataDir, { recursive: true }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot use ${dataDir} as the data directory: ${reason}`);
    });
    const release = await lockDataDirectory(dataDir);
    try {
      const pgdata = join(dataDir, PGDATA_SUBDIRECTORY);
      // Only a directory that does not exist at all starts from the template: one that exists is the
      // user's database (or what a first start of an earlier release left of one), opened as it is.
      if (template !== undefined && !existsSync(pgdata)) await createFromTemplate(template, pgdata);
      const db = new PGlite({ ...common, dataDir: pgdata });
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

/**
 * The storages the create workloads run the full handler on, as a list of named factories: a storage
 * added here (one entry) gets its own column in every create table, verified like the others.
 */
import * as postgresAdapter from '../../src/adapters/postgres/index.js';
import { loadSeed, migrate, PostgresCatalog, postgresStorage } from '../../src/adapters/postgres/index.js';
import {
  createStreamingSessions,
  inMemoryStorage,
  TOKENS,
  type StorageAdapter,
  type StreamingSessions,
  type StreamingSessionsOptions,
} from '../../src/index.js';
import { ledgerStreamId } from '../../src/application/streams.js';
import { benchSeed, STUDIOS, studioId } from './fixtures.js';
import type { Pool } from './library.js';
import { expectCount } from './measure.js';
import { count } from './postgres.js';

/** A storage opened for one workload. */
export interface OpenStorage {
  readonly sessions: StreamingSessions;
  /** The dedicated PostgreSQL schema, for storage on DATABASE_URL. */
  readonly schema?: string;
  /** Checks that exactly `sessions` sessions exist, each with its ledger reservation; says what it checked. */
  verify(sessions: number): Promise<string[]>;
  /** Closes the service and drops what the storage created (its schema). */
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly pool: Pool;
  /** Names the dedicated schema. */
  readonly workload: string;
  readonly startProvisioning?: boolean;
  /** Wraps the storage adapter (to watch its commits, say). */
  readonly wrap?: (storage: StorageAdapter) => StorageAdapter;
  readonly provisioner?: StreamingSessionsOptions['provisioner'];
}

export interface StorageFactory {
  /** The column title. */
  readonly name: string;
  /** The key in docs/performance.json. */
  readonly key: string;
  /** Whether the storage is SQL (compared with the PostgreSQL floor) or in memory. */
  readonly sql: boolean;
  open(options: OpenOptions): Promise<OpenStorage>;
}

/** What every storage can check through the ports: views by state, and the ledgers' versions. */
async function verifyThroughPorts(sessions: StreamingSessions, expected: number): Promise<string[]> {
  const byState = await sessions.container.get(TOKENS.SessionViews).countByState();
  const views = Object.values(byState).reduce((sum, n) => sum + (n ?? 0), 0);
  const store = sessions.container.get(TOKENS.EventStore);
  let reserved = 0;
  for (let i = 0; i < STUDIOS; i++) reserved += (await store.read(ledgerStreamId(studioId(i)))).version;
  return [
    expectCount('session views', views, expected),
    expectCount('ledger reservations', reserved, expected),
  ];
}

function service(
  options: OpenOptions,
  storage: StorageAdapter | undefined,
  catalog: StreamingSessionsOptions['catalog'],
): Promise<StreamingSessions> {
  return createStreamingSessions({
    catalog,
    ...(storage === undefined ? {} : { storage: options.wrap?.(storage) ?? storage }),
    ...(options.provisioner === undefined ? {} : { provisioner: options.provisioner }),
    startProvisioning: options.startProvisioning ?? false,
  });
}

export const inMemory: StorageFactory = {
  name: 'in memory',
  key: 'memory',
  sql: false,
  open: async (options) => {
    const sessions = await service(
      options,
      options.wrap === undefined ? undefined : inMemoryStorage(),
      benchSeed(),
    );
    return {
      sessions,
      verify: (n) => verifyThroughPorts(sessions, n),
      close: () => sessions.close(),
    };
  },
};

/** PostgreSQL on DATABASE_URL, in a schema of its own, with the catalog in tables (cached), as deployed. */
export const postgres: StorageFactory = {
  name: 'PostgreSQL',
  key: 'postgres',
  sql: true,
  open: async (options) => {
    const { pool } = options;
    const schema = `nss_bench_${options.workload}_${Math.random().toString(36).slice(2, 10)}`;
    await migrate(pool, { schema });
    await loadSeed(pool, benchSeed(), { schema });
    const s = `"${schema}"`;
    const sessions = await service(
      options,
      postgresStorage({ pool, schema }),
      new PostgresCatalog({ pool, schema, refreshMs: 600_000 }),
    );
    return {
      sessions,
      schema,
      verify: async (n) => [
        ...(await verifyThroughPorts(sessions, n)),
        expectCount(
          'SessionRequested events',
          await count(pool, `${s}.events where type = 'SessionRequested'`),
          n,
        ),
        expectCount('client tokens', await count(pool, `${s}.client_tokens`), n),
      ],
      close: async () => {
        await sessions.close();
        await pool.query(`drop schema if exists ${s} cascade`);
      },
    };
  },
};

/**
 * Embedded PostgreSQL (PGlite), when the adapter exports it: the same SQL in this process, in memory here,
 * so no files are left behind.
 */
type EmbeddedFactory = (options: { schema?: string }) => StorageAdapter;
const embeddedPostgres = (postgresAdapter as Record<string, unknown>).embeddedPostgres as
  EmbeddedFactory | undefined;

export const embedded: StorageFactory | undefined =
  embeddedPostgres === undefined
    ? undefined
    : {
        name: 'embedded PostgreSQL (PGlite)',
        key: 'embedded',
        sql: true,
        open: async (options) => {
          const storage = embeddedPostgres({ schema: 'nss_bench' });
          const sessions = await service(options, storage, benchSeed());
          return {
            sessions,
            verify: (n) => verifyThroughPorts(sessions, n),
            close: () => sessions.close(),
          };
        },
      };

/** Every storage the create workloads run on. Add one line here for another. */
export const STORAGES: readonly StorageFactory[] = [
  inMemory,
  postgres,
  ...(embedded === undefined ? [] : [embedded]),
];

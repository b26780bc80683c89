import type { Clock } from '../application/ports/clock.js';
import type { InstanceProvisioner } from '../application/ports/provisioner.js';
import { inMemoryStorage } from '../adapters/in-memory/module.js';
import type { StorageAdapter } from '../application/ports/storage.js';
import { withDefaultUser } from '../adapters/postgres/database.js';
import { embeddedPostgres } from '../adapters/postgres/embedded/embedded.js';
import { PostgresInstanceRegistry } from '../adapters/postgres/instance-registry.js';
import { postgresStorage } from '../adapters/postgres/module.js';
import { SimulatedProvisioner } from '../adapters/provisioner/simulated.js';
import type { StorageChoice } from './options.js';

/** The storage the server runs on, described for the start-up banner, with its simulated cloud. */
export interface ServerStorage {
  readonly storage: StorageAdapter;
  readonly description: string;
  /**
   * The simulated provisioner to pair with this storage. On PostgreSQL its instances live in the same
   * schema, so a server restarted while instances boot (or several servers) finds them again, as a real
   * cloud would keep them; in memory they live and die with the process, like the sessions.
   */
  readonly provisioner: (clock: Clock, bootTimeMs: number) => InstanceProvisioner;
}

/** Hides the password of a connection string before it is printed. */
function redacted(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(connection string)';
  }
}

/**
 * Picks the storage from the options, in this one place. Both PostgreSQL choices run the same adapter and
 * bring the schema up to date when they open (on a server under the migrations' advisory lock, so several
 * servers may start at once); the adapter ends the connections it opened on close. On either, the
 * simulated cloud's instances live in the same schema.
 */
export function openStorage(options: {
  readonly storage: StorageChoice;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly databaseSchema: string;
}): ServerStorage {
  if (options.storage === 'memory') {
    return {
      storage: inMemoryStorage(),
      description: 'in-memory (lost on exit)',
      provisioner: (clock, bootTimeMs) => new SimulatedProvisioner(clock, { bootTimeMs }),
    };
  }
  if (options.storage === 'embedded') {
    const storage = embeddedPostgres({ dataDir: options.dataDir, schema: options.databaseSchema });
    return {
      storage,
      description: `embedded PostgreSQL in ${storage.dataDir ?? options.dataDir} (kept across restarts; --storage memory for none)`,
      provisioner: (clock, bootTimeMs) =>
        new PostgresInstanceRegistry(
          { pool: storage.database.pool, schema: options.databaseSchema, bootTimeMs },
          clock,
        ),
    };
  }
  if (options.databaseUrl === undefined) throw new Error('PostgreSQL storage needs a database URL.');
  const connectionString = withDefaultUser(options.databaseUrl);
  const storage = postgresStorage({ connectionString, schema: options.databaseSchema, migrate: true });
  return {
    storage,
    description: `PostgreSQL ${redacted(connectionString)}, schema ${options.databaseSchema}`,
    provisioner: (clock, bootTimeMs) =>
      new PostgresInstanceRegistry(
        { pool: storage.database.pool, schema: options.databaseSchema, bootTimeMs },
        clock,
      ),
  };
}

/**
 * The service as one application process runs it: its own pool, the PostgreSQL storage and catalog of
 * the schema named on the command line, and optionally the worker with the shared instance registry.
 */
import 'reflect-metadata';
import pg from 'pg';
import { PostgresCatalog } from '../../../src/adapters/postgres/catalog.js';
import { withDefaultUser } from '../../../src/adapters/postgres/database.js';
import { PostgresInstanceRegistry } from '../../../src/adapters/postgres/instance-registry.js';
import { postgresStorage } from '../../../src/adapters/postgres/module.js';
import { SystemClock } from '../../../src/adapters/system/clock.js';
import { createStreamingSessions, type StreamingSessions } from '../../../src/streaming-sessions.js';

export interface ProcessService {
  readonly sessions: StreamingSessions;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** Messages to the parent; a child without an IPC channel has nobody to tell. */
export function send(message: unknown): void {
  process.send?.(message);
}

export async function openProcessService(options: {
  readonly schema: string;
  readonly poolSize: number;
  readonly provisioning?: { readonly leaseMs: number; readonly bootTimeMs: number };
}): Promise<ProcessService> {
  const pool = new pg.Pool({
    connectionString: withDefaultUser(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'),
    max: options.poolSize,
  });
  pool.on('error', () => undefined);
  const clock = new SystemClock();
  const { schema } = options;
  const registry =
    options.provisioning === undefined
      ? undefined
      : new PostgresInstanceRegistry({ pool, schema, bootTimeMs: options.provisioning.bootTimeMs }, clock);
  const sessions = await createStreamingSessions({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: postgresStorage({ pool, schema }),
    clock,
    ...(registry === undefined ? {} : { provisioner: registry }),
    startProvisioning: options.provisioning !== undefined,
    config: {
      provisioning: {
        leaseMs: options.provisioning?.leaseMs ?? 30_000,
        pollIntervalMs: 250,
        statusIntervalMs: 20,
        batchSize: 16,
      },
    },
  });
  return {
    sessions,
    pool,
    close: async () => {
      await sessions.close();
      await pool.end();
    },
  };
}

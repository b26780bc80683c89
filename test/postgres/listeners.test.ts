/**
 * Listeners on a shared pool do not accumulate: every adapter part over a pool (storage, catalog,
 * instance registry, one set per schema) used to add a 'connect' listener of its own that gave each new
 * connection one more 'error' listener, never removed, so a process opening adapters over a long-lived
 * pool printed `MaxListenersExceededWarning: 11 error listeners added to [Client]` and kept growing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PostgresCatalog,
  PostgresInstanceRegistry,
  postgresStorage,
} from '../../src/adapters/postgres/index.js';
import { SystemClock } from '../../src/adapters/system/clock.js';
import { DATABASE_URL, dropSchema, freshSchema, newPool } from './support.js';

const ROUNDS = 40;
let setupPool: pg.Pool;
let schema: string;
const warnings: string[] = [];
const onWarning = (warning: Error) => {
  warnings.push(`${warning.name}: ${warning.message}`);
};

beforeAll(async () => {
  setupPool = newPool(2);
  schema = await freshSchema(setupPool, 'nss_listeners');
  process.on('warning', onWarning);
});

afterAll(async () => {
  process.off('warning', onWarning);
  await dropSchema(setupPool, schema);
  await setupPool.end();
});

/** Error listeners on a connection the pool hands out (the pool's own idle listener is off while it is out). */
async function errorListenersOnAConnection(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    return client.listenerCount('error');
  } finally {
    client.release();
  }
}

describe('listeners on a shared pool', () => {
  it(`stay flat while ${String(ROUNDS)} rounds open and close storage, catalog and registry over one pool`, async () => {
    // Connections are dropped as soon as they are idle, so each round gets new ones.
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, idleTimeoutMillis: 1 });
    try {
      const counts: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const storage = postgresStorage({ pool, schema });
        // Constructed for its listeners: the catalog reads nothing until asked.
        new PostgresCatalog({ pool, schema });
        const registry = new PostgresInstanceRegistry({ pool, schema }, new SystemClock());
        await storage.check();
        await registry.status('i-none');
        await storage.close();
        counts.push(await errorListenersOnAConnection(pool));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(new Set(counts)).toEqual(new Set([1]));
      expect(pool.listenerCount('connect')).toBe(1);
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('stay flat on a long-running storage whose connections are replaced again and again', async () => {
    const storage = postgresStorage({ connectionString: DATABASE_URL, schema, poolSize: 2 });
    const registry = new PostgresInstanceRegistry({ pool: storage.database.pool, schema }, new SystemClock());
    try {
      const counts: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all([storage.check(), registry.status('i-none'), storage.check()]);
        // A connection the server closed is replaced by the pool; the new one must not get more listeners.
        const client = await storage.database.pool.connect();
        client.release(true);
        counts.push(await errorListenersOnAConnection(storage.database.pool));
      }
      expect(new Set(counts)).toEqual(new Set([1]));
      expect(storage.database.pool.listenerCount('connect')).toBe(1);
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});

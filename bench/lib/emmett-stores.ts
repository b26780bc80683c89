/** Emmett's two event stores, set up for the create comparison. */
import { createConnectionPool, dumbo, NodePostgresConnectorType } from '@event-driven-io/dumbo';
import { getInMemoryEventStore, STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
// Emmett's own copy of the driver (its type parsers are set on it), not the library's.
import pg from 'pg';
import { STUDIOS, studioId } from './fixtures.js';
import { DATABASE_URL } from './library.js';
import type { EmmettCreateOptions, InTransaction } from './emmett.js';
import { expectCount } from './measure.js';

export interface EmmettStore extends Pick<EmmettCreateOptions, 'store' | 'transaction' | 'noStream'> {
  /** Checks that each of `sessions` creates landed exactly once. */
  verify(sessions: number, sessionIds: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Emmett's in-memory store. No transactions: the three appends follow one another. */
export function emmettInMemory(): EmmettStore {
  const store = getInMemoryEventStore();
  return {
    store,
    transaction: (body) => body(store),
    noStream: STREAM_DOES_NOT_EXIST,
    verify: async (sessions, sessionIds) => {
      let reserved = 0n;
      for (let i = 0; i < STUDIOS; i++)
        reserved += BigInt(
          (await store.readStream(`QuotaLedger-${studioId(i)}`)).currentStreamVersion as bigint,
        );
      const unique = new Set(sessionIds);
      return [
        expectCount('sessions created', sessionIds.length, sessions),
        expectCount('distinct session ids', unique.size, sessions),
        expectCount('ledger reservations', Number(reserved), sessions),
      ];
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Emmett's PostgreSQL store in a database of its own, created here and dropped on close, on a pool of
 * `poolSize` connections as the project's side uses. Not a schema: Emmett 0.42's migration looks its
 * functions up by name in the whole database (`pg_proc` without a schema), so an Emmett schema left by
 * another run would make it skip creating them in a new one.
 *
 * One transaction for the three appends: Emmett's PostgreSQL `appendToStream` opens a transaction of its
 * own on the pool it is given (its `withSession` shares a connection, not a transaction), so each create
 * opens one transaction through Emmett's connection layer (dumbo) and gives a store a pool that stands
 * for that open transaction: the appends run their statements in it, and it commits or rolls back once.
 */
export async function emmettPostgres(database: string, poolSize: number): Promise<EmmettStore> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  const connectionString = url.toString();
  const pool = new pg.Pool({ connectionString, max: poolSize });
  pool.on('error', () => undefined);
  const store = getPostgreSQLEventStore(connectionString, { connectionOptions: { pool } });
  await store.schema.migrate();
  const connections = dumbo({ connectionString, pool });
  const transaction: InTransaction = (body) =>
    connections.withTransaction(async (tx) => {
      const inTransaction = createConnectionPool({
        type: NodePostgresConnectorType,
        getConnection: () => tx.connection,
        // The connection belongs to the open transaction: a session (Emmett's CommandHandler opens one) uses
        // it and must not release it; the transaction does, once.
        connection: () => Promise.resolve(tx.connection),
        withConnection: (handle: (c: typeof tx.connection) => Promise<unknown>) => handle(tx.connection),
        close: () => Promise.resolve(),
        execute: tx.execute,
        transaction: () => tx,
        withTransaction: async (handle: (t: typeof tx) => Promise<unknown>) => {
          const result = await handle(tx);
          // An append answers {success, result}; a failed one is turned into a conflict by the store, and the
          // error rolls the whole transaction back.
          return typeof result === 'object' && result !== null && 'success' in result
            ? (result as unknown as { result: unknown }).result
            : result;
        },
      } as unknown as Parameters<typeof createConnectionPool>[0]);
      const inTx = getPostgreSQLEventStore(connectionString, {
        connectionOptions: { dumbo: inTransaction as never },
        schema: { autoMigration: 'None' },
      });
      return body(inTx);
    });
  const countOf = async (sql: string) =>
    Number((await pool.query<{ n: string }>(`select ${sql} as n`)).rows[0]?.n);
  return {
    store,
    transaction,
    // Emmett's PostgreSQL append does not check STREAM_DOES_NOT_EXIST (it appends to an existing stream);
    // expecting version 0 does: a stream that exists fails the insert of its first position.
    noStream: 0n,
    verify: async (sessions) => [
      expectCount(
        'SessionRequested messages',
        await countOf(`(select count(*) from emt_messages where message_type = 'SessionRequested')`),
        sessions,
      ),
      expectCount(
        'client-token streams',
        await countOf(`(select count(*) from emt_streams where stream_type = 'ClientToken')`),
        sessions,
      ),
      expectCount(
        'ledger reservations',
        await countOf(
          `(select coalesce(sum(stream_position), 0) from emt_streams where stream_type = 'QuotaLedger')`,
        ),
        sessions,
      ),
    ],
    close: async () => {
      await pool.end();
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists "${database}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

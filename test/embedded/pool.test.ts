/**
 * The node-postgres-shaped pool over embedded PostgreSQL: what the adapter relies on from node-postgres
 * (results, counts, int8 as text, several statements without parameters) and what a single-backend
 * database needs (a checkout owns the connection until released).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedPostgres } from '../../src/adapters/postgres/embedded/embedded.js';
import { EmbeddedPool, type EmbeddedDatabase } from '../../src/adapters/postgres/embedded/pglite-pool.js';

const storage = embeddedPostgres();
const pool = storage.database.pool;
afterAll(() => storage.close());

describe('EmbeddedPool', () => {
  it('answers as node-postgres does: rows, rowCount per command, int8 as text, numbers as numbers', async () => {
    await pool.query('create table counts (id int8 primary key, n int4, at timestamptz)');
    const inserted = await pool.query('insert into counts values ($1, $2, $3), ($4, $5, $6)', [
      1,
      10,
      new Date('2024-01-02T03:04:05Z'),
      2,
      20,
      new Date('2024-01-02T03:04:06Z'),
    ]);
    expect(inserted).toMatchObject({ command: 'INSERT', rowCount: 2, rows: [] });
    const updated = await pool.query('update counts set n = n + 1 where id = $1', [2]);
    expect(updated).toMatchObject({ command: 'UPDATE', rowCount: 1 });
    // A write under WITH counts the rows it touched, as its command tag says, not the rows it returned.
    const touched = await pool.query(
      'with one as (select $1::int8 as id) update counts set n = n from one where counts.id = one.id',
      [1],
    );
    expect(touched.rowCount).toBe(1);
    const none = await pool.query('delete from counts where id = $1', [99]);
    expect(none.rowCount).toBe(0);
    const selected = await pool.query<{ id: string; n: number; at: Date; total: string }>(
      'select id, n, at, count(*) over () as total from counts where id >= $1 order by id',
      [1],
    );
    expect(selected.rowCount).toBe(2);
    expect(selected.rows[1]).toEqual({ id: '2', n: 21, at: new Date('2024-01-02T03:04:06Z'), total: '2' });
    expect(selected.fields.map((f) => f.name)).toEqual(['id', 'n', 'at', 'total']);
    // A config object (the adapter's prepared statements) is taken too; its name is not needed here.
    const named = await pool.query<{ n: number }>({
      name: 'x',
      text: 'select n from counts where id = $1',
      values: [1],
    });
    expect(named.rows).toEqual([{ n: 10 }]);
  });

  it('runs several statements without parameters, as the simple protocol does, and returns the last', async () => {
    const result = await pool.query<{ two: number }>(
      'create table multi (a int); insert into multi values (1); select 2 as two',
    );
    expect(result.rows).toEqual([{ two: 2 }]);
    expect((await pool.query<{ a: number }>('select a from multi')).rows).toEqual([{ a: 1 }]);
  });

  it('lets a checkout own the connection until it is released: a transaction sees no one else', async () => {
    await pool.query('create table turns (who text, at serial)');
    const client = await pool.connect();
    await client.query('begin');
    await client.query('insert into turns (who) values ($1)', ['transaction']);
    // Another caller's statement waits for the release instead of running inside the open transaction.
    const other = pool.query('insert into turns (who) values ($1)', ['other']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storage.poolUsage()).toMatchObject({ total: 1, idle: 0, waiting: 1 });
    await client.query('rollback');
    client.release();
    await other;
    const { rows } = await pool.query<{ who: string }>('select who from turns');
    expect(rows).toEqual([{ who: 'other' }]);
    expect(storage.poolUsage()).toMatchObject({ total: 1, idle: 1, waiting: 0 });
  });

  it('lets timers and sockets run between queued statements, however many are queued', async () => {
    // PGlite settles a statement without yielding; handed over promise to promise, a queue of them ran
    // as one block and a timer (a request, a lease renewal) waited for all of them.
    let finished = 0;
    const queued = Array.from({ length: 300 }, (_, i) =>
      pool.query('select $1::int as i', [i]).then(() => {
        finished++;
      }),
    );
    const finishedWhenTimerRan = await new Promise<number>((resolve) =>
      setTimeout(() => {
        resolve(finished);
      }, 0),
    );
    await Promise.all(queued);
    expect(finished).toBe(300);
    expect(finishedWhenTimerRan).toBeLessThan(30);
  });

  it('reports a database error to the caller and keeps serving', async () => {
    await expect(pool.query('select * from no_such_table where a = $1', [1])).rejects.toMatchObject({
      code: '42P01',
    });
    await expect(pool.query('select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });
});

describe('EmbeddedPool opening and closing', () => {
  function fakeDatabase(log: string[]): EmbeddedDatabase {
    let closed = false;
    return {
      get closed() {
        return closed;
      },
      query: () => Promise.resolve({ rows: [], fields: [] }),
      exec: () => Promise.resolve([]),
      close: () => {
        log.push('closed');
        closed = true;
        return Promise.resolve();
      },
    };
  }

  it('opens nothing until the first checkout, and tries a failed open again', async () => {
    const log: string[] = [];
    let attempts = 0;
    const embedded = new EmbeddedPool(() => {
      attempts++;
      return attempts === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve(fakeDatabase(log));
    });
    expect(attempts).toBe(0);
    expect(embedded.totalCount).toBe(0);
    await expect(embedded.query('select 1')).rejects.toThrow('disk full');
    // The failed checkout gave its turn back: the next one is not stuck behind it.
    await expect(embedded.query('select 1')).resolves.toMatchObject({ rows: [] });
    expect(attempts).toBe(2);
    await embedded.end();
    expect(log).toEqual(['closed']);
    await expect(embedded.connect()).rejects.toThrow('closed');
  });

  it('closes only after the checkout in progress is released', async () => {
    const log: string[] = [];
    const embedded = new EmbeddedPool(() => Promise.resolve(fakeDatabase(log)));
    const client = await embedded.connect();
    const ending = embedded.end();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual([]);
    log.push('released');
    client.release();
    await ending;
    expect(log).toEqual(['released', 'closed']);
  });
});

/**
 * Wake-ups between processes: a worker waiting in one service is woken by a create committed through
 * another service's pool, by LISTEN/NOTIFY, and keeps being woken after its listening connection dies.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExpectedVersion } from '../../src/application/ports/event-store.js';
import { dropSchema, freshSchema, newPool, openSubject } from './support.js';

const STUDIO = 'us-west-2:stid-notify0000000001';
const pool = newPool(4);
const otherPool = newPool(4);
let schema: string;
// Far beyond the test's own timeout: only a notification can end these waits in time.
const FOREVER = 10 * 60_000;

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_notify');
});

afterAll(async () => {
  await dropSchema(pool, schema);
  await Promise.all([pool.end(), otherPool.end()]);
});

const enqueue = (sessionId: string) => ({
  appends: [
    {
      streamId: `StreamingSession:${STUDIO}/${sessionId}`,
      studioId: STUDIO,
      expected: ExpectedVersion.noStream,
      events: [{ type: 'SessionRequested', version: 1, data: {} }],
    },
  ],
  schedule: [
    {
      studioId: STUDIO,
      entity: { kind: 'session' as const, id: sessionId },
      kind: 'provision' as const,
      dueAt: 0,
    },
  ],
});

/** Resolves once the waiter's listening connection is up: its LISTEN shows in pg_stat_activity. */
async function listening(channel: string): Promise<number> {
  let pid = 0;
  await vi.waitFor(
    async () => {
      const { rows } = await pool.query<{ pid: number }>(
        `select pid from pg_stat_activity where query = $1 and state = 'idle'`,
        [`listen "${channel}"`],
      );
      expect(rows).toHaveLength(1);
      pid = rows[0]!.pid;
    },
    { timeout: 10_000, interval: 10 },
  );
  return pid;
}

describe('PostgreSQL work notifications', () => {
  it('wakes a worker of one service when another service enqueues work', async () => {
    const waiting = await openSubject(pool, schema);
    const enqueuing = await openSubject(otherPool, schema);
    // The first wait opens the listening connection (and is woken once it listens); the second can only
    // be woken by a notification.
    await waiting.queue.waitForWork(FOREVER);
    await listening(`nss_${schema}`);
    const first = waiting.queue.waitForWork(FOREVER);
    expect((await enqueuing.store.commit(enqueue('s-1'), Date.now())).isOk()).toBe(true);
    await expect(first).resolves.toBeUndefined();
    expect((await waiting.queue.claim('w', 10, 1000, Date.now())).map((j) => j.entity.id)).toEqual(['s-1']);
    await Promise.all([waiting.close(), enqueuing.close()]);
  });

  it('listens again after its connection is killed, and wakes the waiters meanwhile', async () => {
    const waiting = await openSubject(pool, schema);
    const enqueuing = await openSubject(otherPool, schema);
    await waiting.queue.waitForWork(FOREVER);
    const pid = await listening(`nss_${schema}`);
    const before = waiting.queue.waitForWork(FOREVER);
    await pool.query('select pg_terminate_backend($1)', [pid]);
    // The waiter does not hang on a dead connection: it is woken, and its next wait listens anew.
    await expect(before).resolves.toBeUndefined();
    await waiting.queue.waitForWork(FOREVER);
    const again = await listening(`nss_${schema}`);
    expect(again).not.toBe(pid);
    const after = waiting.queue.waitForWork(FOREVER);
    expect((await enqueuing.store.commit(enqueue('s-2'), Date.now())).isOk()).toBe(true);
    await expect(after).resolves.toBeUndefined();
    await Promise.all([waiting.close(), enqueuing.close()]);
  });
});

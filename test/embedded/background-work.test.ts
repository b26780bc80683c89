/**
 * Requests before background work on the embedded database's one connection: the job worker's claims
 * and steps wait behind requests, but never more than FOREGROUND_SHARE of them in a row, and the mark
 * follows the worker's async context without reaching the code that started it.
 */
import { describe, expect, it } from 'vitest';
import {
  isBackgroundWork,
  runAsBackgroundWork,
} from '../../src/adapters/postgres/embedded/background-work.js';
import {
  EmbeddedPool,
  FOREGROUND_SHARE,
  type EmbeddedDatabase,
} from '../../src/adapters/postgres/embedded/pglite-pool.js';

const database: EmbeddedDatabase = {
  closed: false,
  query: () => Promise.resolve({ rows: [], fields: [] }),
  exec: () => Promise.resolve([]),
  close: () => Promise.resolve(),
};

describe('background work on the embedded connection', () => {
  it('is marked in everything runAsBackgroundWork sets going, and nowhere else', async () => {
    const seen: boolean[] = [];
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    let loop: Promise<void> | undefined;
    runAsBackgroundWork(() => {
      loop = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(isBackgroundWork());
        // Woken from the foreground, it stays background.
        await woken;
        seen.push(isBackgroundWork());
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(isBackgroundWork());
      })();
    });
    expect(isBackgroundWork()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(isBackgroundWork()).toBe(false);
    wake();
    await loop;
    expect(seen).toEqual([true, true, true]);
    expect(isBackgroundWork()).toBe(false);
  });

  it(`hands the connection to requests first, and to background work after ${String(FOREGROUND_SHARE)} of them in a row`, async () => {
    const pool = new EmbeddedPool(() => Promise.resolve(database));
    const holder = await pool.connect();
    const order: string[] = [];
    const checkout = async (label: string) => {
      const client = await pool.connect();
      order.push(label);
      client.release();
    };
    const background = runAsBackgroundWork(() =>
      Array.from({ length: 3 }, (_, i) => checkout(`b${String(i)}`)),
    );
    const foreground = Array.from({ length: 10 }, (_, i) => checkout(`f${String(i)}`));
    expect(pool.waitingCount).toBe(13);
    holder.release();
    await Promise.all([...background, ...foreground]);
    const share = FOREGROUND_SHARE;
    const expected = [
      ...['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9'].slice(0, share),
      'b0',
      ...['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9'].slice(share, 2 * share),
      'b1',
      ...['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9'].slice(2 * share),
      'b2',
    ];
    expect(order).toEqual(expected);
    // With no request waiting, background work has the connection at once, in its own order.
    order.length = 0;
    await Promise.all(runAsBackgroundWork(() => [checkout('b3'), checkout('b4')]));
    expect(order).toEqual(['b3', 'b4']);
    await pool.end();
  });
});

/**
 * The global log under real concurrency: a reader that checkpoints the last position it saw never skips
 * an event committed out of order, and still sees everything committed before it asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExpectedVersion,
  type StoredEvent,
  type UnitOfWork,
} from '../../src/application/ports/event-store.js';
import { commitArgument } from '../../src/adapters/postgres/event-store.js';
import { dropSchema, freshSchema, newPool, openSubject } from './support.js';

const STUDIO = 'us-west-2:stid-globallog00000001';
const pool = newPool(8);
let schema: string;

const unit = (streamId: string, ...types: string[]): UnitOfWork => ({
  appends: [
    {
      streamId,
      studioId: STUDIO,
      expected: ExpectedVersion.any,
      events: types.map((type) => ({ type, version: 1, data: { streamId } })),
    },
  ],
});

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_log');
});

afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('PostgreSQL global log', () => {
  it('holds back an event committed before an earlier position, until that position commits', async () => {
    const subject = await openSubject(pool, schema);
    const store = subject.store;
    const before = (await store.readAll(0, 1000)).at(-1)?.position ?? 0;
    // A takes its positions first and stays open; B takes later positions and commits.
    const slow = await pool.connect();
    await slow.query('begin');
    await slow.query(`select "${schema}".commit_unit($1::jsonb)`, [
      commitArgument(unit('S-slow', 'A1', 'A2'), Date.now()),
    ]);
    expect((await store.commit(unit('S-fast', 'B1'), Date.now())).isOk()).toBe(true);
    expect((await store.read('S-fast')).version).toBe(1);

    // B is committed and readable in its stream, but the log must not show it above A's open gap.
    expect(await store.readAll(before, 100)).toEqual([]);

    await slow.query('commit');
    slow.release();
    const log = await store.readAll(before, 100);
    expect(log.map((e) => e.type)).toEqual(['A1', 'A2', 'B1']);
    expect(log.map((e) => e.position)).toEqual([...log.map((e) => e.position)].sort((a, b) => a - b));
    await subject.close();
  });

  it('still returns what is committed while an unrelated older transaction stays open', async () => {
    const subject = await openSubject(pool, schema);
    const store = subject.store;
    const before = (await store.readAll(0, 1000)).at(-1)?.position ?? 0;
    // Only writers of events can hold a reader back: an open transaction of anything else does not.
    const idle = await pool.connect();
    await idle.query('begin');
    await idle.query('select pg_current_xact_id()');
    expect((await store.commit(unit('S-during', 'C1', 'C2'), Date.now())).isOk()).toBe(true);
    expect((await store.readAll(before, 100)).map((e) => e.type)).toEqual(['C1', 'C2']);
    await idle.query('rollback');
    idle.release();
    await subject.close();
  });

  it('reads past the positions of a rolled-back commit', async () => {
    const subject = await openSubject(pool, schema);
    const store = subject.store;
    const before = (await store.readAll(0, 1000)).at(-1)?.position ?? 0;
    const doomed = await pool.connect();
    await doomed.query('begin');
    await doomed.query(`select "${schema}".commit_unit($1::jsonb)`, [
      commitArgument(unit('S-doomed', 'X1', 'X2'), Date.now()),
    ]);
    await doomed.query('rollback');
    doomed.release();
    expect((await store.commit(unit('S-after', 'D1'), Date.now())).isOk()).toBe(true);
    const log = await store.readAll(before, 100);
    expect(log.map((e) => e.type)).toEqual(['D1']);
    expect(log[0]!.position).toBeGreaterThan(before + 2);
    await subject.close();
  });

  it('gives a checkpointing reader every event exactly once while four pools commit at once', async () => {
    const writers = Array.from({ length: 4 }, () => newPool(4));
    const subjects = await Promise.all(writers.map((p) => openSubject(p, schema)));
    const reader = await openSubject(pool, schema);
    const start = (await reader.store.readAll(0, 100_000)).at(-1)?.position ?? 0;
    let writing = true;
    const seen: StoredEvent[] = [];
    let checkpoint = start;
    const read = async () => {
      for (;;) {
        const stillWriting = writing;
        const page = await reader.store.readAll(checkpoint, 25);
        seen.push(...page);
        checkpoint = page.at(-1)?.position ?? checkpoint;
        if (page.length === 0 && !stillWriting) return;
      }
    };
    const reading = read();
    await Promise.all(
      subjects.map(async ({ store }, w) => {
        await Promise.all(
          Array.from({ length: 4 }, async (_, lane) => {
            for (let i = 0; i < 40; i++) {
              const result = await store.commit(unit(`S-w${w}-l${lane}-${i}`, 'E1', 'E2'), Date.now());
              expect(result.isOk()).toBe(true);
            }
          }),
        );
      }),
    );
    writing = false;
    await reading;
    const expected = 4 * 4 * 40 * 2;
    expect(seen).toHaveLength(expected);
    expect(new Set(seen.map((e) => `${e.streamId}#${e.streamVersion}`)).size).toBe(expected);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position);
    await Promise.all([...subjects, reader].map((s) => s.close()));
    await Promise.all(writers.map((p) => p.end()));
  });
});

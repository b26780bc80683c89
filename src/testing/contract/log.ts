import { describe, expect, it } from 'vitest';
import { ExpectedVersion, type StoredEvent } from '../../application/ports/event-store.js';
import { append, at, type ContractContext } from './fixtures.js';

/** Reads the whole log by pages of `pageSize`, following positions as a checkpointing reader would. */
async function readWholeLog(
  readAll: (after: number, limit: number) => Promise<readonly StoredEvent[]>,
  pageSize: number,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await readAll(after, pageSize);
    expect(page.length).toBeLessThanOrEqual(pageSize);
    if (page.length === 0) return events;
    events.push(...page);
    after = at(page, -1).position;
  }
}

/** The global log: every committed event once, in commit order, with strictly increasing positions. */
export function testLogContract({ subject, commitOk }: ContractContext): void {
  const store = () => subject().store;

  describe('global log', () => {
    it('returns every event in commit order, across streams, with strictly increasing positions', async () => {
      await commitOk({ appends: [append('S-a', ExpectedVersion.noStream, 'A1', 'A2')] });
      await commitOk({
        appends: [
          append('S-b', ExpectedVersion.noStream, 'B1'),
          append('S-a', ExpectedVersion.exact(2), 'A3'),
        ],
      });
      await commitOk({ appends: [append('S-c', ExpectedVersion.any, 'C1')] });
      const log = await store().readAll(0, 100);
      expect(log.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3', 'C1']);
      for (let i = 1; i < log.length; i++)
        expect(at(log, i).position).toBeGreaterThan(at(log, i - 1).position);
      const streamA = await store().read('S-a');
      expect(log.filter((e) => e.streamId === 'S-a')).toEqual(streamA.events);
    });

    it('pages by position and limit, and is empty after its last event', async () => {
      for (let i = 0; i < 7; i++)
        await commitOk({ appends: [append(`S-${i}`, ExpectedVersion.noStream, `E${i}`)] });
      const whole = await store().readAll(0, 100);
      expect(await readWholeLog((a, l) => store().readAll(a, l), 3)).toEqual(whole);
      expect(await store().readAll(at(whole, 2).position, 2)).toEqual(whole.slice(3, 5));
      expect(await store().readAll(at(whole, 6).position, 100)).toEqual([]);
    });

    it('holds every event of concurrent commits exactly once', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          commitOk({ appends: [append(`S-${i}`, ExpectedVersion.noStream, `E${i}-1`, `E${i}-2`)] }),
        ),
      );
      const log = await readWholeLog((a, l) => store().readAll(a, l), 7);
      expect(log).toHaveLength(50);
      expect(new Set(log.map((e) => e.type)).size).toBe(50);
      expect(new Set(log.map((e) => e.position)).size).toBe(50);
      for (let i = 0; i < 25; i++) {
        const own = log.filter((e) => e.streamId === `S-${i}`).map((e) => e.type);
        expect(own).toEqual([`E${i}-1`, `E${i}-2`]);
      }
    });
  });
}

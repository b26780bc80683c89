import { describe, expect, it } from 'vitest';
import type { EntityKind } from '../../application/ports/entities.js';
import { ExpectedVersion } from '../../application/ports/event-store.js';
import type { JobKey, ScheduledJob } from '../../application/ports/jobs.js';
import { append, sessionRef, STUDIO, T0, type ContractContext } from './fixtures.js';

const LEASE = 1_000;

/**
 * Scheduled jobs: scheduled, rescheduled and completed by commits; claimed once due by one worker at a
 * time with a lease that only the holder can renew and that lets another worker take the job once it
 * ends; given back by a failed step for a later attempt.
 */
export function testQueueContract({ subject, commitOk }: ContractContext): void {
  const queue = () => subject().queue;
  const job = (sessionId: string): JobKey => ({
    studioId: STUDIO,
    entity: sessionRef(sessionId),
    kind: 'provision',
  });
  const schedule = (dueAt: number, ...sessionIds: string[]) =>
    commitOk({ appends: [], schedule: sessionIds.map((id) => ({ ...job(id), dueAt })) });
  const enqueue = (...sessionIds: string[]) => schedule(T0, ...sessionIds);

  describe('scheduled jobs', () => {
    it('hands a due job to one worker at a time, with a lease and an attempt count', async () => {
      await enqueue('session-1');
      expect(await queue().claim('w1', 10, LEASE, T0)).toEqual([
        { ...job('session-1'), attempts: 1, leaseUntil: T0 + LEASE },
      ]);
      expect(await queue().claim('w2', 10, LEASE, T0 + LEASE - 1)).toEqual([]);
      expect(await queue().claim('w1', 10, LEASE, T0 + LEASE - 1)).toEqual([]);
    });

    it('claims at most `limit` jobs, each exactly once', async () => {
      await enqueue('session-1', 'session-2', 'session-3');
      const first = await queue().claim('w1', 2, LEASE, T0);
      const second = await queue().claim('w2', 2, LEASE, T0);
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      expect([...first, ...second].map((j) => j.entity.id).sort()).toEqual([
        'session-1',
        'session-2',
        'session-3',
      ]);
      expect(await queue().claim('w3', 2, LEASE, T0)).toEqual([]);
    });

    it('claims a job only once it is due, oldest due first', async () => {
      await schedule(T0 + 300, 'session-late');
      await schedule(T0 + 100, 'session-early');
      expect(await queue().claim('w1', 10, LEASE, T0 + 99)).toEqual([]);
      expect(await queue().nextDueAt()).toBe(T0 + 100);
      expect((await queue().claim('w1', 10, LEASE, T0 + 300)).map((j) => j.entity.id)).toEqual([
        'session-early',
        'session-late',
      ]);
    });

    it('reschedules an existing job: new due time, no holder, attempts back to 0', async () => {
      await enqueue('session-1');
      await queue().claim('w1', 10, LEASE, T0);
      await schedule(T0 + 5_000, 'session-1');
      expect(await queue().renew(job('session-1'), 'w1', LEASE, T0 + 1)).toBe(false);
      expect(await queue().claim('w2', 10, LEASE, T0 + 4_999)).toEqual([]);
      expect(await queue().claim('w2', 10, LEASE, T0 + 5_000)).toEqual([
        { ...job('session-1'), attempts: 1, leaseUntil: T0 + 5_000 + LEASE },
      ]);
    });

    it('gives a failed step back for a later attempt, keeping the attempt count, only for its holder', async () => {
      await enqueue('session-1');
      await queue().claim('w1', 10, LEASE, T0);
      expect(await queue().retry(job('session-1'), 'w2', T0 + 10, 'not mine')).toBe(false);
      expect(await queue().retry(job('session-1'), 'w1', T0 + 200, 'boom')).toBe(true);
      expect(await queue().nextDueAt()).toBe(T0 + 200);
      expect(await queue().claim('w2', 10, LEASE, T0 + 199)).toEqual([]);
      expect(await queue().claim('w2', 10, LEASE, T0 + 200)).toEqual([
        { ...job('session-1'), attempts: 2, leaseUntil: T0 + 200 + LEASE },
      ]);
      expect(await queue().retry(job('session-unknown'), 'w1', T0, 'gone')).toBe(false);
    });

    it('counts due, scheduled and held jobs', async () => {
      await enqueue('session-1', 'session-2');
      await schedule(T0 + 10_000, 'session-3');
      await queue().claim('w1', 1, LEASE, T0);
      expect(await queue().stats(T0 + 1)).toEqual({ due: 1, scheduled: 1, held: 1, oldestDueAt: T0 });
      expect(await queue().stats(T0 + 20_000)).toEqual({
        due: 3,
        scheduled: 0,
        held: 0,
        oldestDueAt: T0,
      });
      expect(await queue().nextDueAt()).toBe(T0);
    });

    it('keys a job by its entity kind too: the jobs of another aggregate share the queue', async () => {
      // A kind a later aggregate adds: the queue stores any, and keeps it apart from a session's job.
      const other: JobKey = {
        ...job('entity-1'),
        entity: { kind: 'other-kind' as EntityKind, id: 'entity-1' },
      };
      await commitOk({
        appends: [],
        schedule: [
          { ...other, dueAt: T0 },
          { ...job('entity-1'), dueAt: T0 + 1 },
        ],
      });
      expect(await queue().claim('w1', 10, LEASE, T0 + 1)).toEqual([
        { ...other, attempts: 1, leaseUntil: T0 + 1 + LEASE },
        { ...job('entity-1'), attempts: 1, leaseUntil: T0 + 1 + LEASE },
      ]);
      expect(await queue().renew(other, 'w1', LEASE, T0 + 2)).toBe(true);
      await commitOk({ appends: [], complete: [other] });
      expect(await queue().renew(other, 'w1', LEASE, T0 + 3)).toBe(false);
      expect(await queue().renew(job('entity-1'), 'w1', LEASE, T0 + 3)).toBe(true);
    });

    it('has no next due time and nothing to count when empty', async () => {
      expect(await queue().nextDueAt()).toBeUndefined();
      expect(await queue().stats(T0)).toEqual({ due: 0, scheduled: 0, held: 0 });
    });

    it('lets another worker take a job whose lease ended; the first worker can no longer renew it', async () => {
      await enqueue('session-1');
      await queue().claim('w1', 10, LEASE, T0);
      expect(await queue().claim('w2', 10, LEASE, T0 + LEASE + 1)).toEqual([
        { ...job('session-1'), attempts: 2, leaseUntil: T0 + 2 * LEASE + 1 },
      ]);
      expect(await queue().renew(job('session-1'), 'w1', LEASE, T0 + LEASE + 2)).toBe(false);
      expect(await queue().renew(job('session-1'), 'w2', LEASE, T0 + LEASE + 2)).toBe(true);
    });

    it('extends the lease when its holder renews it', async () => {
      await enqueue('session-1');
      await queue().claim('w1', 10, LEASE, T0);
      expect(await queue().renew(job('session-1'), 'w1', LEASE, T0 + 500)).toBe(true);
      expect(await queue().claim('w2', 10, LEASE, T0 + LEASE + 200)).toEqual([]);
      expect(await queue().claim('w2', 10, LEASE, T0 + LEASE + 501)).toEqual([
        { ...job('session-1'), attempts: 2, leaseUntil: T0 + 2 * LEASE + 501 },
      ]);
    });

    it('refuses to renew for a worker that never held the job, or for an unknown job', async () => {
      await enqueue('session-1');
      await queue().claim('w1', 10, LEASE, T0);
      expect(await queue().renew(job('session-1'), 'w2', LEASE, T0 + 1)).toBe(false);
      expect(await queue().renew(job('session-unknown'), 'w1', LEASE, T0 + 1)).toBe(false);
    });

    it('removes a job completed by a commit, together with the events that finish it', async () => {
      await enqueue('session-1', 'session-2');
      await queue().claim('w1', 10, LEASE, T0);
      await commitOk(
        { appends: [append('S-1', ExpectedVersion.noStream, 'SessionReady')], complete: [job('session-1')] },
        T0 + 10,
      );
      expect(await queue().renew(job('session-1'), 'w1', LEASE, T0 + 20)).toBe(false);
      expect(await queue().renew(job('session-2'), 'w1', LEASE, T0 + 20)).toBe(true);
      expect((await queue().claim('w2', 10, LEASE, T0 + 10 * LEASE)).map((j) => j.entity.id)).toEqual([
        'session-2',
      ]);
    });

    it('completes a job that is not claimed, and ignores completing an unknown one', async () => {
      await enqueue('session-1');
      await commitOk({ appends: [], complete: [job('session-1'), job('session-unknown')] });
      expect(await queue().claim('w1', 10, LEASE, T0)).toEqual([]);
      expect(await queue().nextDueAt()).toBeUndefined();
    });

    it('creates a standing job only when none has its key, and leaves an existing one as it is', async () => {
      const sweep: ScheduledJob = {
        studioId: '',
        entity: sessionRef(''),
        kind: 'expire-client-tokens',
        dueAt: T0 + 100,
      };
      const key: JobKey = { studioId: '', entity: sessionRef(''), kind: 'expire-client-tokens' };
      expect(await queue().ensure(sweep)).toBe(true);
      expect(await queue().ensure({ ...sweep, dueAt: T0 })).toBe(false);
      expect(await queue().nextDueAt()).toBe(T0 + 100);
      expect(await queue().claim('w1', 10, LEASE, T0 + 100)).toEqual([
        { ...key, attempts: 1, leaseUntil: T0 + 100 + LEASE },
      ]);
      // Held: still its holder's, with its lease and attempt count.
      expect(await queue().ensure({ ...sweep, dueAt: T0 })).toBe(false);
      expect(await queue().claim('w2', 10, LEASE, T0 + 101)).toEqual([]);
      expect(await queue().renew(key, 'w1', LEASE, T0 + 200)).toBe(true);
      // A commit reschedules it as any job; once completed, ensure creates it again.
      await commitOk({ appends: [], complete: [key] });
      expect(await queue().ensure(sweep)).toBe(true);
    });

    it('makes one job of many ensures at once', async () => {
      const sweep: ScheduledJob = {
        studioId: '',
        entity: sessionRef(''),
        kind: 'expire-client-tokens',
        dueAt: T0,
      };
      const created = await Promise.all(Array.from({ length: 12 }, () => queue().ensure(sweep)));
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await queue().stats(T0)).toEqual({ due: 1, scheduled: 0, held: 0, oldestDueAt: T0 });
    });

    it('wakes a waiting worker when a commit schedules due work', async () => {
      // The timeout is far beyond the test's own: only the commit can resolve the wait in time.
      const woken = queue().waitForWork(10 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await enqueue('session-1');
      await expect(woken).resolves.toBeUndefined();
    });

    it('resolves a wait after its timeout when nothing arrives', async () => {
      await expect(queue().waitForWork(10)).resolves.toBeUndefined();
    });

    it('resolves a wait when its signal aborts, or at once when it already has', async () => {
      const controller = new AbortController();
      const waiting = queue().waitForWork(10 * 60_000, controller.signal);
      controller.abort();
      await expect(waiting).resolves.toBeUndefined();
      await expect(queue().waitForWork(10 * 60_000, AbortSignal.abort())).resolves.toBeUndefined();
    });
  });
}

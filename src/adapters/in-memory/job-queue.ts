import type {
  ClaimedJob,
  JobKey,
  JobQueue,
  JobQueueStats,
  ScheduledJob,
} from '../../application/ports/jobs.js';
import { abortableWait } from '../../application/abortable-wait.js';
import type { InMemoryDatabase } from './database.js';

/** The jobs as workers see them: claims with leases over the jobs the event store's commits schedule. */
export class InMemoryJobQueue implements JobQueue {
  constructor(private readonly db: InMemoryDatabase) {}

  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<readonly ClaimedJob[]> {
    return Promise.resolve(this.db.jobs.claim(workerId, limit, leaseMs, now));
  }

  renew(job: JobKey, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    return Promise.resolve(this.db.jobs.renew(job, workerId, leaseMs, now));
  }

  retry(job: JobKey, workerId: string, dueAt: number, error: string): Promise<boolean> {
    return Promise.resolve(this.db.jobs.retry(job, workerId, dueAt, error));
  }

  ensure(job: ScheduledJob): Promise<boolean> {
    return Promise.resolve(this.db.jobs.ensure(job));
  }

  nextDueAt(): Promise<number | undefined> {
    return Promise.resolve(this.db.jobs.nextAvailableAt());
  }

  stats(now: number): Promise<JobQueueStats> {
    return Promise.resolve(this.db.jobs.stats(now));
  }

  /**
   * Waits for a commit that schedules due work. It never resolves early because jobs are waiting: whether
   * any is due is the worker's question to `nextDueAt`, and a worker whose window is full must not be
   * woken by the jobs it has no room for.
   */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return abortableWait(timeoutMs, signal, (wake) => this.db.onWork(wake));
  }
}

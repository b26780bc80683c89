import type { ProvisioningJobKey } from '../../application/ports/event-store.js';
import type { ClaimedJob, ProvisioningQueue } from '../../application/ports/provisioning-queue.js';
import { jobKey, type InMemoryDatabase } from './database.js';
import { abortableWait } from '../../application/abortable-wait.js';

/** The outbox as workers see it: claims with leases over the jobs the event store's commits enqueue. */
export class InMemoryProvisioningQueue implements ProvisioningQueue {
  constructor(private readonly db: InMemoryDatabase) {}

  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<readonly ClaimedJob[]> {
    const claimed: ClaimedJob[] = [];
    for (const job of this.db.jobs.values()) {
      if (claimed.length >= limit) break;
      if (job.owner !== undefined && job.leaseUntil > now) continue;
      job.owner = workerId;
      job.leaseUntil = now + leaseMs;
      job.attempts += 1;
      claimed.push({
        studioId: job.studioId,
        sessionId: job.sessionId,
        attempts: job.attempts,
        leaseUntil: job.leaseUntil,
      });
    }
    return Promise.resolve(claimed);
  }

  renew(job: ProvisioningJobKey, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    const entry = this.db.jobs.get(jobKey(job.studioId, job.sessionId));
    if (entry?.owner !== workerId) return Promise.resolve(false);
    entry.leaseUntil = now + leaseMs;
    return Promise.resolve(true);
  }

  private hasUnclaimedJob(): boolean {
    for (const job of this.db.jobs.values()) if (job.owner === undefined) return true;
    return false;
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    // A job enqueued between the worker's last claim and this call must not wait for the poll.
    if (this.hasUnclaimedJob()) return Promise.resolve();
    return abortableWait(timeoutMs, signal, (wake) => this.db.onWork(wake));
  }
}

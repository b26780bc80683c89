import { Heap } from 'heap-js';
import type { ClaimedJob, JobKey, JobQueueStats, ScheduledJob } from '../../application/ports/jobs.js';

interface JobEntry extends JobKey {
  /** Order of first scheduling, the tie-break between jobs due at the same time. */
  readonly seq: number;
  owner: string | undefined;
  /** When the job can next be claimed: its due time, or the end of the lease while a worker holds it. */
  availableAt: number;
  attempts: number;
  lastError: string | undefined;
  /** Bumped on every change of `availableAt`, so that the heap's older entries for the job are ignored. */
  generation: number;
}

interface HeapNode {
  readonly availableAt: number;
  readonly seq: number;
  readonly key: string;
  readonly generation: number;
}

const keyOf = (job: JobKey): string =>
  JSON.stringify([job.studioId, job.entity.kind, job.entity.id, job.kind]);

/**
 * The jobs table of the in-memory adapter: a map by (studio, entity kind, entity id, job kind) and a min-heap by the time each
 * job can next be claimed, so that claiming the due jobs and finding the next due time cost O(log n)
 * whatever the number of jobs waiting. A job's heap node is not moved when the job changes: a new node is
 * pushed and the old one is recognised as stale (by its generation) and dropped when it reaches the top.
 */
export class InMemoryJobTable {
  readonly #entries = new Map<string, JobEntry>();
  readonly #heap = new Heap<HeapNode>((a, b) => a.availableAt - b.availableAt || a.seq - b.seq);
  #seq = 0;

  get size(): number {
    return this.#entries.size;
  }

  /** Schedules a job, or reschedules an existing one: due at `dueAt`, held by nobody, no attempts yet. */
  schedule(job: ScheduledJob): void {
    const key = keyOf(job);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        studioId: job.studioId,
        entity: { kind: job.entity.kind, id: job.entity.id },
        kind: job.kind,
        seq: ++this.#seq,
        owner: undefined,
        availableAt: job.dueAt,
        attempts: 0,
        lastError: undefined,
        generation: 0,
      };
      this.#entries.set(key, entry);
    } else {
      entry.owner = undefined;
      entry.attempts = 0;
      entry.lastError = undefined;
    }
    this.#move(key, entry, job.dueAt);
  }

  /** Schedules a job unless one with its key exists (left as it is); true when it was created. */
  ensure(job: ScheduledJob): boolean {
    if (this.#entries.has(keyOf(job))) return false;
    this.schedule(job);
    return true;
  }

  complete(job: JobKey): void {
    this.#entries.delete(keyOf(job));
  }

  claim(workerId: string, limit: number, leaseMs: number, now: number): ClaimedJob[] {
    const claimed: ClaimedJob[] = [];
    while (claimed.length < limit) {
      const entry = this.#top();
      if (entry === undefined || entry.availableAt > now) break;
      entry.owner = workerId;
      entry.attempts += 1;
      this.#move(keyOf(entry), entry, now + leaseMs);
      claimed.push({
        studioId: entry.studioId,
        entity: { kind: entry.entity.kind, id: entry.entity.id },
        kind: entry.kind,
        attempts: entry.attempts,
        leaseUntil: entry.availableAt,
      });
    }
    return claimed;
  }

  renew(job: JobKey, workerId: string, leaseMs: number, now: number): boolean {
    const key = keyOf(job);
    const entry = this.#entries.get(key);
    if (entry?.owner !== workerId) return false;
    this.#move(key, entry, now + leaseMs);
    return true;
  }

  retry(job: JobKey, workerId: string, dueAt: number, error: string): boolean {
    const key = keyOf(job);
    const entry = this.#entries.get(key);
    if (entry?.owner !== workerId) return false;
    entry.owner = undefined;
    entry.lastError = error;
    this.#move(key, entry, dueAt);
    return true;
  }

  nextAvailableAt(): number | undefined {
    return this.#top()?.availableAt;
  }

  /** A full scan: for diagnostics, not for the worker's loop. */
  stats(now: number): JobQueueStats {
    let due = 0;
    let scheduled = 0;
    let held = 0;
    let oldestDueAt: number | undefined;
    for (const entry of this.#entries.values()) {
      if (entry.owner !== undefined && entry.availableAt > now) held += 1;
      else if (entry.availableAt > now) scheduled += 1;
      else {
        due += 1;
        if (entry.owner === undefined && (oldestDueAt === undefined || entry.availableAt < oldestDueAt))
          oldestDueAt = entry.availableAt;
      }
    }
    return { due, scheduled, held, ...(oldestDueAt === undefined ? {} : { oldestDueAt }) };
  }

  /** The job whose claimable time comes first, dropping stale heap nodes on the way. */
  #top(): JobEntry | undefined {
    for (;;) {
      const node = this.#heap.peek();
      if (node === undefined) return undefined;
      const entry = this.#entries.get(node.key);
      if (entry?.generation === node.generation) return entry;
      this.#heap.pop();
    }
  }

  #move(key: string, entry: JobEntry, availableAt: number): void {
    entry.availableAt = availableAt;
    entry.generation += 1;
    this.#heap.push({ availableAt, seq: entry.seq, key, generation: entry.generation });
  }
}

import type { ProvisioningJobKey } from '../../application/ports/event-store.js';
import type { ClaimedJob, ProvisioningQueue } from '../../application/ports/provisioning-queue.js';
import { decodeText, encodeText } from './codec.js';
import type { PostgresDatabase } from './database.js';
import { abortableWait } from '../../application/abortable-wait.js';

interface ClaimRow {
  studio_id: string;
  session_id: string;
  attempts: number;
  lease_until: number;
}

/**
 * The provisioning outbox as workers see it. A claim takes unclaimed or lease-expired rows with
 * `FOR UPDATE SKIP LOCKED`, so concurrent workers in any number of processes never take the same job and
 * never wait for each other; a worker that dies simply stops renewing, and its jobs become claimable when
 * their lease ends. Wake-ups come by LISTEN/NOTIFY, with the caller's timeout as the polling fallback.
 */
export class PostgresProvisioningQueue implements ProvisioningQueue {
  constructor(private readonly db: PostgresDatabase) {}

  async claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<readonly ClaimedJob[]> {
    if (limit <= 0) return [];
    const { rows } = await this.db.query<ClaimRow>(
      'outbox-claim',
      `update ${this.db.s}.provisioning_outbox o
       set owner = $1, lease_until = $3::float8 + $4::float8, attempts = o.attempts + 1
       from (select studio_id, session_id from ${this.db.s}.provisioning_outbox
             where lease_until <= $3::float8
             order by lease_until, seq
             limit $2
             for update skip locked) c
       where o.studio_id = c.studio_id and o.session_id = c.session_id
       returning o.studio_id, o.session_id, o.attempts, o.lease_until`,
      [encodeText(workerId), Math.floor(limit), now, leaseMs],
    );
    return rows.map((row) => ({
      studioId: decodeText(row.studio_id),
      sessionId: decodeText(row.session_id),
      attempts: row.attempts,
      leaseUntil: row.lease_until,
    }));
  }

  async renew(job: ProvisioningJobKey, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'outbox-renew',
      `update ${this.db.s}.provisioning_outbox set lease_until = $4::float8 + $5::float8
       where studio_id = $1 and session_id = $2 and owner = $3`,
      [encodeText(job.studioId), encodeText(job.sessionId), encodeText(workerId), now, leaseMs],
    );
    return (rowCount ?? 0) > 0;
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return abortableWait(timeoutMs, signal, (wake) => this.db.onWork(wake));
  }
}

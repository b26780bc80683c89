import {
  JOB_KINDS,
  type ClaimedJob,
  type JobKey,
  type JobQueue,
  type JobQueueStats,
  type ScheduledJob,
} from '../../application/ports/jobs.js';
import {
  readStoredEntityKind,
  readStoredJobKind,
  readStoredNumber,
} from '../../application/stored-shapes.js';
import { abortableWait } from '../../application/abortable-wait.js';
import { decodeText, encodeText } from './codec.js';
import type { PostgresDatabase } from './database.js';

interface ClaimRow {
  studio_id: string;
  entity_kind: string;
  entity_id: string;
  kind: string;
  attempts: number;
  due_at: number;
}

/** A job's key as the statements' first four parameters: studio, entity kind, entity id, job kind. */
const keyParams = (job: JobKey): [string, string, string, string] => [
  encodeText(job.studioId),
  encodeText(job.entity.kind),
  encodeText(job.entity.id),
  job.kind,
];

/**
 * Scheduled jobs as workers see them. A claim takes due rows (their due time, or the lease of a worker
 * that stopped renewing, has passed) with `FOR UPDATE SKIP LOCKED`, so concurrent workers in any number of
 * processes never take the same job and never wait for each other. Wake-ups come by LISTEN/NOTIFY, with
 * the caller's timeout as the polling fallback.
 */
export class PostgresJobQueue implements JobQueue {
  constructor(private readonly db: PostgresDatabase) {}

  async claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<readonly ClaimedJob[]> {
    if (limit <= 0) return [];
    const { rows } = await this.db.query<ClaimRow>(
      'jobs-claim',
      `with claimed as (
         update ${this.db.s}.jobs j
         set owner = $1, due_at = $3::float8 + $4::float8, attempts = j.attempts + 1
         from (select studio_id, entity_kind, entity_id, kind, due_at, seq from ${this.db.s}.jobs
               where due_at <= $3::float8
                 and kind = any($5::text[])
               order by due_at, seq
               limit $2
               for update skip locked) c
         where j.studio_id = c.studio_id and j.entity_kind = c.entity_kind and j.entity_id = c.entity_id
           and j.kind = c.kind
         returning j.studio_id, j.entity_kind, j.entity_id, j.kind, j.attempts, j.due_at,
                   c.due_at as was_due, c.seq
       )
       select studio_id, entity_kind, entity_id, kind, attempts, due_at from claimed order by was_due, seq`,
      [encodeText(workerId), Math.floor(limit), now, leaseMs, [...JOB_KINDS]],
    );
    return rows.map((row) => {
      const studioId = decodeText(row.studio_id);
      const id = decodeText(row.entity_id);
      const at = { table: `${this.db.schema}.jobs`, key: `${studioId}/${row.entity_kind}/${id}/${row.kind}` };
      return {
        studioId,
        entity: { kind: readStoredEntityKind(decodeText(row.entity_kind), at), id },
        kind: readStoredJobKind(decodeText(row.kind), at),
        attempts: readStoredNumber(row.attempts, at, 'attempts'),
        leaseUntil: readStoredNumber(row.due_at, at, 'due_at'),
      };
    });
  }

  async renew(job: JobKey, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'jobs-renew',
      `update ${this.db.s}.jobs set due_at = $6::float8 + $7::float8
       where studio_id = $1 and entity_kind = $2 and entity_id = $3 and kind = $4 and owner = $5`,
      [...keyParams(job), encodeText(workerId), now, leaseMs],
    );
    return (rowCount ?? 0) > 0;
  }

  async retry(job: JobKey, workerId: string, dueAt: number, error: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'jobs-retry',
      `update ${this.db.s}.jobs set owner = null, due_at = $6::float8, last_error = $7
       where studio_id = $1 and entity_kind = $2 and entity_id = $3 and kind = $4 and owner = $5`,
      [...keyParams(job), encodeText(workerId), dueAt, encodeText(error.slice(0, 2000))],
    );
    return (rowCount ?? 0) > 0;
  }

  /** An insert that does nothing on the key's conflict: processes starting together make one row. */
  async ensure(job: ScheduledJob): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'jobs-ensure',
      `insert into ${this.db.s}.jobs (studio_id, entity_kind, entity_id, kind, due_at)
       values ($1, $2, $3, $4, $5::float8)
       on conflict (studio_id, entity_kind, entity_id, kind) do nothing`,
      [...keyParams(job), job.dueAt],
    );
    return (rowCount ?? 0) > 0;
  }

  async nextDueAt(): Promise<number | undefined> {
    const { rows } = await this.db.query<{ due_at: number | null }>(
      'jobs-next-due',
      `select min(due_at) as due_at from ${this.db.s}.jobs`,
      [],
    );
    return rows[0]?.due_at ?? undefined;
  }

  async stats(now: number): Promise<JobQueueStats> {
    const { rows } = await this.db.query<{
      due: string;
      scheduled: string;
      held: string;
      oldest: number | null;
    }>(
      'jobs-stats',
      `select count(*) filter (where due_at <= $1::float8) as due,
              count(*) filter (where due_at > $1::float8 and owner is null) as scheduled,
              count(*) filter (where due_at > $1::float8 and owner is not null) as held,
              min(due_at) filter (where due_at <= $1::float8) as oldest
       from ${this.db.s}.jobs`,
      [now],
    );
    const row = rows[0];
    return {
      due: Number(row?.due ?? 0),
      scheduled: Number(row?.scheduled ?? 0),
      held: Number(row?.held ?? 0),
      ...(row?.oldest === null || row?.oldest === undefined ? {} : { oldestDueAt: row.oldest }),
    };
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return abortableWait(timeoutMs, signal, (wake) => this.db.onWork(wake));
  }
}

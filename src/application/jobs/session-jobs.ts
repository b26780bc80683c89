import { lifecycleOf, type ExistingSession } from '../../domain/index.js';
import type { EntityRef } from '../ports/entities.js';
import type { JobKey, JobKind, ScheduledJob } from '../ports/jobs.js';

/** The entity the jobs are for, in its studio. */
type JobOwner = { readonly studioId: string; readonly entity: EntityRef };

/** The jobs a session's state calls for, with the time each is due. */
export type JobsDue = ReadonlyMap<JobKind, number>;

/**
 * Which jobs a session in this state needs, and when: the jobs follow the state, so that no command can
 * forget one. A transition in progress needs its work job at once; a running session its automatic stop
 * (at `stopAt`) or termination (at `terminateAt`); a stopped one its termination, if it has a deadline; a
 * DELETED one its purge from the view once the retention has passed.
 */
export function jobsDue(session: ExistingSession, deletedRetentionMs: number): JobsDue {
  const jobs = new Map<JobKind, number>();
  const { stopAt, terminateAt } = lifecycleOf(session);
  switch (session.state) {
    case 'CREATE_IN_PROGRESS':
      jobs.set('provision', session.updatedAt);
      break;
    case 'STOP_IN_PROGRESS':
      jobs.set('stop', session.updatedAt);
      break;
    case 'START_IN_PROGRESS':
      jobs.set('start', session.updatedAt);
      break;
    case 'DELETE_IN_PROGRESS':
      jobs.set('delete', session.updatedAt);
      break;
    case 'READY':
      if (stopAt !== undefined) jobs.set('auto-stop', stopAt);
      if (terminateAt !== undefined) jobs.set('auto-terminate', terminateAt);
      break;
    case 'STOPPED':
      if (terminateAt !== undefined) jobs.set('auto-terminate', terminateAt);
      break;
    case 'DELETED':
      jobs.set('purge', session.updatedAt + deletedRetentionMs);
      break;
    case 'CREATE_FAILED':
    case 'STOP_FAILED':
    case 'START_FAILED':
    case 'DELETE_FAILED':
      break;
  }
  return jobs;
}

/** Jobs that carry a transition: their due time is the step's own business once they exist. */
const WORK_KINDS: ReadonlySet<JobKind> = new Set(['provision', 'stop', 'start', 'delete']);

/**
 * The job changes a transition from `before` to `after` calls for: jobs the new state no longer needs are
 * completed (a manual Stop supersedes the automatic one, a Delete every deadline), and jobs it needs anew
 * are scheduled, as are deadlines that moved. A work job both states need is left alone, so a step that
 * is still working (a boot in progress) keeps the due time it chose.
 */
export function jobChanges(
  key: JobOwner,
  before: JobsDue,
  after: JobsDue,
): { readonly schedule: ScheduledJob[]; readonly complete: JobKey[] } {
  const schedule: ScheduledJob[] = [];
  const complete: JobKey[] = [];
  for (const kind of before.keys()) {
    if (!after.has(kind)) complete.push({ studioId: key.studioId, entity: key.entity, kind });
  }
  for (const [kind, dueAt] of after) {
    const unchanged = WORK_KINDS.has(kind) ? before.has(kind) : before.get(kind) === dueAt;
    if (!unchanged) schedule.push({ studioId: key.studioId, entity: key.entity, kind, dueAt });
  }
  return { schedule, complete };
}

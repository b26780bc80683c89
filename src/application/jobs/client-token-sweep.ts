import { inject, injectable } from 'inversify';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import type { ClaimedJob, JobKey, ScheduledJob } from '../ports/jobs.js';
import type { Logger } from '../ports/logger.js';
import { TOKENS } from '../tokens.js';
import type { JobStep } from './job-step.js';

/**
 * The key of the one client-token sweep job. It belongs to no studio and no entity, so both ids are
 * empty, which no real studio or entity id can be: one row however many studios and processes there are.
 * Its entity kind is `session`, the kind every job row written before entities had kinds was given, so
 * the row an earlier release created is this very job.
 */
export const CLIENT_TOKEN_SWEEP_JOB: JobKey = {
  studioId: '',
  entity: { kind: 'session', id: '' },
  kind: 'expire-client-tokens',
};

/**
 * Removes client-token records once their retention (`clientTokenTtlMs`, reference §7: 24 h after the
 * first success) has passed. Lookups already ignore expired records; this reclaims them, so that a token
 * used once (a Stop repeated on a stopped session, say) does not stay stored for ever.
 *
 * It is a standing job: every worker creates it as it starts unless it exists (so a database written by an
 * earlier release gets it too), first due one interval later. Each step deletes one bounded batch
 * (`clientTokenSweepBatchSize`) and reschedules the job: due again at once after a full batch (more may be
 * left), otherwise after `clientTokenSweepIntervalMs`. Writing a token never reschedules it, so steady
 * traffic cannot postpone it. It touches no session, and runs the same when there are none.
 */
@injectable()
export class ClientTokenSweepStep implements JobStep {
  readonly kind = 'expire-client-tokens' as const;

  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  standingJob(now: number): ScheduledJob {
    return { ...CLIENT_TOKEN_SWEEP_JOB, dueAt: now + this.config.clientTokenSweepIntervalMs };
  }

  async run(job: ClaimedJob): Promise<void> {
    const now = this.clock.now();
    const limit = Math.max(1, Math.floor(this.config.clientTokenSweepBatchSize));
    const removed = await this.store.expireClientTokens(now, limit);
    if (removed > 0) {
      this.logger.debug({ kind: this.kind, removed, limit }, 'expired client-token records removed');
    }
    await this.reschedule(job, removed >= limit ? now : now + this.config.clientTokenSweepIntervalMs, now);
  }

  /** The sweep never ends: after its last failed attempt it tries again one interval later. */
  async giveUp(job: ClaimedJob): Promise<void> {
    const now = this.clock.now();
    await this.reschedule(job, now + this.config.clientTokenSweepIntervalMs, now);
  }

  private async reschedule(job: JobKey, dueAt: number, now: number): Promise<void> {
    const next = { studioId: job.studioId, entity: job.entity, kind: job.kind, dueAt };
    const committed = await this.store.commit({ appends: [], schedule: [next] }, now);
    if (committed.isErr())
      throw new Error(`Could not reschedule the client-token sweep: ${committed.error.type}`);
  }
}

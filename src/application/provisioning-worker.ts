import { inject, injectable } from 'inversify';
import { StreamingSession, type ExistingSession, type StreamingSessionCommand } from '../domain/index.js';
import { abortableWait } from './abortable-wait.js';
import type { ServiceConfig } from './config.js';
import type { Clock } from './ports/clock.js';
import { ExpectedVersion, type EventStore, type ProvisioningJobKey } from './ports/event-store.js';
import type { InstanceProvisioner, InstanceSpec } from './ports/provisioner.js';
import type { ClaimedJob, ProvisioningQueue } from './ports/provisioning-queue.js';
import type { SessionViews } from './ports/session-views.js';
import { sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => abortableWait(ms, signal);

/** Read through a function so the compiler does not narrow it across awaits. */
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

function specOf(session: ExistingSession): InstanceSpec {
  const s = session.session;
  return {
    studioId: s.studioId,
    sessionId: s.sessionId,
    launchProfileId: s.launchProfileId,
    ec2InstanceType: s.ec2InstanceType,
    streamingImageId: s.streamingImageId,
    ownedBy: s.ownedBy,
    ...(s.volumeConfiguration === undefined ? {} : { volumeConfiguration: s.volumeConfiguration }),
  };
}

/**
 * The provisioning process manager. It claims outbox jobs (one per requested session) with a lease, asks
 * the provisioner for an instance (idempotent by session id, so a job resumed after a crash never gets a
 * second instance), records InstanceAllocated, waits for the instance, then records SessionReady or
 * SessionCreateFailed and completes the job in the same commit.
 */
@injectable()
export class ProvisioningWorker {
  readonly workerId: string;
  #running: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(TOKENS.ProvisioningQueue) private readonly queue: ProvisioningQueue,
    @inject(TOKENS.InstanceProvisioner) private readonly provisioner: InstanceProvisioner,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {
    this.workerId = `worker-${Math.floor(Math.random() * 1e9).toString(36)}-${process.pid}`;
  }

  /** Starts claiming and processing jobs in the background until `stop`. */
  start(): void {
    if (this.#running !== undefined) return;
    this.#abort = new AbortController();
    this.#running = this.loop(this.#abort.signal);
  }

  /** Stops claiming new jobs and waits for the jobs in hand to settle. Unfinished ones resume elsewhere. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
    this.#running = undefined;
  }

  /**
   * Keeps up to `batchSize` jobs in hand: claims more as soon as one finishes or new work is announced,
   * so one slow boot does not hold back the sessions behind it.
   */
  private async loop(signal: AbortSignal): Promise<void> {
    const { batchSize, leaseMs, pollIntervalMs } = this.config.provisioning;
    const inFlight = new Set<Promise<void>>();
    while (!isAborted(signal)) {
      let claimed: readonly ClaimedJob[] = [];
      try {
        if (inFlight.size < batchSize) {
          claimed = await this.queue.claim(
            this.workerId,
            batchSize - inFlight.size,
            leaseMs,
            this.clock.now(),
          );
        }
      } catch {
        // A store outage: try again after the polling interval; claimed jobs come back when leases end.
        await sleep(pollIntervalMs, signal);
        continue;
      }
      for (const job of claimed) {
        const running: Promise<void> = this.process(job, signal)
          .catch(() => undefined)
          .finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
      if (claimed.length === 0 || inFlight.size >= batchSize) {
        await Promise.race([this.queue.waitForWork(pollIntervalMs, signal), ...inFlight]);
      }
    }
    await Promise.allSettled(inFlight);
  }

  /** Claims one batch and drives each job as far as it goes. Returns how many jobs it claimed. */
  async runOnce(signal?: AbortSignal): Promise<number> {
    const { batchSize, leaseMs } = this.config.provisioning;
    const jobs = await this.queue.claim(this.workerId, batchSize, leaseMs, this.clock.now());
    await Promise.all(jobs.map((job) => this.process(job, signal)));
    return jobs.length;
  }

  private async process(job: ClaimedJob, signal?: AbortSignal): Promise<void> {
    let leaseUntil = job.leaseUntil;
    for (;;) {
      if (signal?.aborted === true) return;
      const row = await this.views.get(job.studioId, job.sessionId);
      if (row?.session.state !== 'CREATE_IN_PROGRESS') {
        await this.store.commit({ appends: [], complete: [job] }, this.clock.now());
        return;
      }
      const session = row.session;
      const now = this.clock.now();
      if (leaseUntil - now < this.config.provisioning.leaseMs / 2) {
        if (!(await this.queue.renew(job, this.workerId, this.config.provisioning.leaseMs, now))) return;
        leaseUntil = now + this.config.provisioning.leaseMs;
      }
      if (session.instanceId === undefined) {
        const allocated = await this.provisioner.allocate(specOf(session));
        const command: StreamingSessionCommand = allocated.isOk()
          ? { type: 'RecordInstanceAllocated', instanceId: allocated.value.instanceId, now: this.clock.now() }
          : {
              type: 'FailSessionCreate',
              statusCode: allocated.error.statusCode,
              statusMessage: allocated.error.message,
              now: this.clock.now(),
            };
        if (await this.apply(job, row.version, session, command)) return;
        continue;
      }
      const status = await this.provisioner.status(session.instanceId);
      if (status.status === 'pending') {
        await sleep(this.config.provisioning.statusIntervalMs, signal);
        continue;
      }
      const command: StreamingSessionCommand =
        status.status === 'running'
          ? { type: 'MarkSessionReady', now: this.clock.now() }
          : {
              type: 'FailSessionCreate',
              statusCode: status.failure.statusCode,
              statusMessage: status.failure.message,
              now: this.clock.now(),
            };
      if (status.status === 'failed') await this.provisioner.release(session.instanceId);
      if (await this.apply(job, row.version, session, command)) return;
    }
  }

  /**
   * Decides and commits one provisioning step with the session's view, completing the job when the session
   * leaves CREATE_IN_PROGRESS. Returns true when the job is done.
   */
  private async apply(
    job: ProvisioningJobKey,
    version: number,
    session: ExistingSession,
    command: StreamingSessionCommand,
  ): Promise<boolean> {
    const decided = StreamingSession.decide(command, session);
    if (decided.isErr()) return false;
    const next = decided.value.reduce(StreamingSession.evolve, session) as ExistingSession;
    const done = next.state !== 'CREATE_IN_PROGRESS';
    const committed = await this.store.commit(
      {
        appends: [
          {
            streamId: sessionStreamId(job.studioId, job.sessionId),
            studioId: job.studioId,
            expected: ExpectedVersion.exact(version),
            events: decided.value,
          },
        ],
        views: [
          {
            studioId: job.studioId,
            sessionId: job.sessionId,
            version: version + decided.value.length,
            session: next,
          },
        ],
        ...(done ? { complete: [job] } : {}),
      },
      this.clock.now(),
    );
    // On a version conflict another worker moved the session on: re-read and carry on from there.
    return committed.isOk() && done;
  }
}

import { inject, injectable, multiInject } from 'inversify';
import { abortableWait } from '../abortable-wait.js';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedJob, JobKind, JobQueue, JobQueueStats } from '../ports/jobs.js';
import type { Logger } from '../ports/logger.js';
import { TOKENS } from '../tokens.js';
import { JOB_STEPS, type JobStep } from './job-step.js';

/** What a worker has done and what it sees waiting, for operators and tests. */
export interface JobWorkerStats extends JobQueueStats {
  /** Steps this worker is running now. */
  readonly running: number;
  /** Steps that finished without throwing. */
  readonly succeeded: number;
  /** Steps that threw (each is logged and retried, or given up on). */
  readonly failed: number;
  /** Jobs given up on after `maxAttempts` failed steps. */
  readonly gaveUp: number;
}

/** The pause before claiming again after the store failed, or after a wake-up found nothing due. */
const IDLE_FLOOR_MS = 5;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/**
 * Runs the steps of due jobs. It keeps at most `batchSize` steps in flight; a job is held only while its
 * step runs, so any number of sessions can be booting (their jobs wait in the queue for their due time)
 * while the worker's memory is bounded by its window. When the window is full the loop waits for a step
 * to finish; otherwise for the next due time (through the clock, so a virtual clock drives it), a wake-up
 * from a commit that scheduled due work, or the polling interval, whichever comes first. Every wait is a
 * fresh promise settled by one AbortController, so nothing accumulates on long-lived promises.
 */
@injectable()
export class JobWorker {
  readonly workerId: string;
  readonly #steps = new Map<JobKind, JobStep>();
  readonly #running = new Set<Promise<void>>();
  #loop: Promise<void> | undefined;
  #abort = new AbortController();
  /** Wakes the loop's current wait; replaced by each wait. */
  #wake: (() => void) | undefined;
  /** Whether this worker has made sure, since it started, that the standing jobs exist. */
  #standing = false;
  #succeeded = 0;
  #failed = 0;
  #gaveUp = 0;

  constructor(
    @inject(TOKENS.JobQueue) private readonly queue: JobQueue,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @multiInject(JOB_STEPS) steps: readonly JobStep[],
  ) {
    this.workerId = `worker-${Math.floor(Math.random() * 1e9).toString(36)}-${process.pid}`;
    for (const step of steps) this.#steps.set(step.kind, step);
  }

  /**
   * Starts running due jobs in the background until `stop`, after making sure that the standing jobs
   * (the client-token sweep) exist.
   */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#standing = false;
    this.#abort = new AbortController();
    this.#loop = this.loop(this.#abort.signal);
  }

  /** Whether the worker is claiming and running jobs (started and not stopped). */
  get isRunning(): boolean {
    return this.#loop !== undefined && !this.#abort.signal.aborted;
  }

  /** Stops claiming and waits for the steps in flight. Jobs not yet done stay scheduled for any worker. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /**
   * Runs every job that is due now, window by window, until none is left due (steps that reschedule their
   * job into the future are not run again). For tests and tools that drive time themselves.
   * Returns how many steps ran.
   */
  async runDue(signal?: AbortSignal): Promise<number> {
    let total = 0;
    for (;;) {
      const ran = await this.runOnce(signal);
      total += ran;
      if (ran === 0 || isAborted(signal)) return total;
    }
  }

  /**
   * Claims one window of due jobs and runs one step of each, the first call creating the standing jobs
   * that do not exist yet. Returns how many it claimed.
   */
  async runOnce(signal?: AbortSignal): Promise<number> {
    if (isAborted(signal)) return 0;
    await this.ensureStandingJobs();
    const { batchSize, leaseMs } = this.config.provisioning;
    const jobs = await this.queue.claim(this.workerId, batchSize, leaseMs, this.clock.now());
    await Promise.all(jobs.map((job) => this.runStep(job)));
    return jobs.length;
  }

  /** The queue's counts with this worker's own. */
  async stats(): Promise<JobWorkerStats> {
    const queued = await this.queue.stats(this.clock.now());
    return {
      ...queued,
      running: this.#running.size,
      succeeded: this.#succeeded,
      failed: this.#failed,
      gaveUp: this.#gaveUp,
    };
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { batchSize, leaseMs, pollIntervalMs } = this.config.provisioning;
    while (!signal.aborted) {
      if (!this.#standing) {
        try {
          await this.ensureStandingJobs();
        } catch (error) {
          // Tried again on the next round; the jobs that exist are run meanwhile.
          this.logger.error(
            { err: describe(error), workerId: this.workerId },
            'standing job creation failed',
          );
        }
      }
      const room = batchSize - this.#running.size;
      let claimed = 0;
      if (room > 0) {
        try {
          const jobs = await this.queue.claim(this.workerId, room, leaseMs, this.clock.now());
          claimed = jobs.length;
          for (const job of jobs) this.launch(job);
        } catch (error) {
          // The store is unreachable: say so, and try again later. Claimed jobs come back by their lease.
          this.logger.error({ err: describe(error), workerId: this.workerId }, 'job claim failed');
          await abortableWait(pollIntervalMs, signal);
          continue;
        }
        // A full claim may have left more due jobs behind: claim again while there is room.
        if (claimed === room && this.#running.size < batchSize) continue;
      }
      await this.idle(signal, claimed, pollIntervalMs);
    }
    await Promise.allSettled(this.#running);
  }

  /** Creates each step's standing job unless it exists; once per start, as it never goes away. */
  private async ensureStandingJobs(): Promise<void> {
    if (this.#standing) return;
    const now = this.clock.now();
    for (const step of this.#steps.values()) {
      const job = step.standingJob?.(now);
      if (job !== undefined) await this.queue.ensure(job);
    }
    this.#standing = true;
  }

  /**
   * Waits until there may be something to do. With the window full that is only a step finishing (or
   * shutdown). Otherwise also the next due time, a wake-up, or the polling interval.
   */
  private async idle(signal: AbortSignal, claimed: number, pollIntervalMs: number): Promise<void> {
    const wake = new AbortController();
    const stop = () => {
      wake.abort();
    };
    // Registered before the first await: a step that finishes meanwhile still wakes this wait.
    this.#wake = stop;
    signal.addEventListener('abort', stop, { once: true });
    try {
      if (this.#running.size >= this.config.provisioning.batchSize) {
        await abortableWait(2 ** 31 - 1, wake.signal);
        return;
      }
      const waits = [this.queue.waitForWork(pollIntervalMs, wake.signal)];
      const next = await this.queue.nextDueAt().catch(() => undefined);
      if (next !== undefined && !wake.signal.aborted) {
        const now = this.clock.now();
        // Something is due yet the claim took nothing (claimed by a worker that is mid-claim, say):
        // pause briefly rather than spin.
        waits.push(
          next <= now && claimed === 0
            ? abortableWait(IDLE_FLOOR_MS, wake.signal)
            : this.clock.waitUntil(next, wake.signal),
        );
      }
      await Promise.race(waits);
    } finally {
      wake.abort();
      signal.removeEventListener('abort', stop);
      if (this.#wake === stop) this.#wake = undefined;
    }
  }

  private launch(job: ClaimedJob): void {
    const running: Promise<void> = this.runStep(job).finally(() => {
      this.#running.delete(running);
      this.#wake?.();
    });
    this.#running.add(running);
  }

  /** One step of one job. Never rejects: a failure is logged, and the job retried or given up on. */
  private async runStep(job: ClaimedJob): Promise<void> {
    const step = this.#steps.get(job.kind);
    const context = {
      workerId: this.workerId,
      studioId: job.studioId,
      entityKind: job.entity.kind,
      entityId: job.entity.id,
      kind: job.kind,
      attempt: job.attempts,
    };
    try {
      if (step === undefined) throw new Error(`No step is registered for jobs of kind ${job.kind}.`);
      await step.run(job);
      this.#succeeded += 1;
      return;
    } catch (error) {
      this.#failed += 1;
      const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.provisioning;
      const last = job.attempts >= maxAttempts;
      this.logger.error(
        { ...context, err: describe(error), maxAttempts },
        last ? 'job step failed for the last time; giving up' : 'job step failed; will retry',
      );
      try {
        if (last && step !== undefined) {
          await step.giveUp(job, error);
          this.#gaveUp += 1;
        } else {
          const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, job.attempts - 1));
          await this.queue.retry(job, this.workerId, this.clock.now() + backoff, describe(error));
        }
      } catch (again) {
        // Not even that worked (the store is down): the job comes back when its lease ends.
        this.logger.error({ ...context, err: describe(again) }, 'could not reschedule a failed job step');
      }
    }
  }
}

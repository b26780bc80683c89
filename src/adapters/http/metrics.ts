import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobWorkerStats } from '../../application/jobs/job-worker.js';
import { STREAMING_SESSION_STATES, type StreamingSessionStateName } from '../../domain/index.js';
import type { PoolUsage } from '../../application/ports/storage.js';

/** What the metrics read at scrape time: the facade's counters, or anything with the same methods. */
export interface MetricsSource {
  jobStats(): Promise<JobWorkerStats>;
  sessionCountsByState(): Promise<Readonly<Partial<Record<StreamingSessionStateName, number>>>>;
  storagePoolUsage(): PoolUsage | undefined;
}

/** How the metrics are gathered. */
export interface ServiceMetricsOptions {
  /**
   * How long a count of sessions by state is reused before the view is counted again (default 10 s):
   * counting is one pass over the view, so frequent scrapes from several Prometheus servers share it.
   */
  readonly sessionCountTtlMs?: number;
  /** How long a scrape waits for storage before it reports the last values it had (default 2 s). */
  readonly storageTimeoutMs?: number;
  /** Also export Node's process metrics (CPU, memory, event-loop lag; default true). */
  readonly processMetrics?: boolean;
  /** The clock for the session-count cache (default `Date.now`). */
  readonly now?: () => number;
}

/** The label for a request that succeeded. */
export const NO_ERROR = 'none';

/** Rejects after `ms` unless `work` settles first. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took longer than ${ms} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * The service's Prometheus metrics in a registry of their own. Requests, quota refusals and throttling are
 * counted as they happen; sessions, jobs and the pool are read from the service when Prometheus scrapes
 * (`scrape`), so an idle server does no work for them.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'operation' | 'error_type'>;
  readonly #latency: Histogram<'operation' | 'error_type'>;
  readonly #quotaRefusals: Counter<'code'>;
  readonly #throttled: Counter<'operation'>;
  readonly #storageUp: Gauge;
  readonly #sessions: Gauge<'state'>;
  readonly #jobs: {
    readonly due: Gauge;
    readonly scheduled: Gauge;
    readonly held: Gauge;
    readonly oldestDueAge: Gauge;
    readonly running: Gauge;
    readonly succeeded: Counter;
    readonly failed: Counter;
    readonly gaveUp: Counter;
  };
  readonly #sessionCountTtlMs: number;
  readonly #storageTimeoutMs: number;
  readonly #now: () => number;
  #sessionCountAt: number | undefined;
  #seen = { succeeded: 0, failed: 0, gaveUp: 0 };

  constructor(
    private readonly source: MetricsSource,
    options: ServiceMetricsOptions = {},
  ) {
    this.#sessionCountTtlMs = options.sessionCountTtlMs ?? 10_000;
    this.#storageTimeoutMs = options.storageTimeoutMs ?? 2000;
    this.#now = options.now ?? Date.now;
    const registers = [this.registry];
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.#requests = new Counter({
      name: 'nimble_http_requests_total',
      help: 'API requests answered, by operation and error type (none for a success).',
      labelNames: ['operation', 'error_type'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'nimble_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being sent, by operation and error type.',
      labelNames: ['operation', 'error_type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#quotaRefusals = new Counter({
      name: 'nimble_quota_refusals_total',
      help: 'Requests refused with ServiceQuotaExceededException, by the quota that was full (error code).',
      labelNames: ['code'],
      registers,
    });
    this.#throttled = new Counter({
      name: 'nimble_throttled_requests_total',
      help: 'Requests refused with ThrottlingException by the per-principal token bucket.',
      labelNames: ['operation'],
      registers,
    });
    this.#storageUp = gauge(
      'nimble_storage_up',
      '1 when the last scrape read sessions and jobs from storage; 0 when a read failed or timed out.',
    );
    this.#sessions = new Gauge({
      name: 'nimble_sessions',
      help: 'Sessions in each state, from the sessions view (recounted at most every sessionCountTtlMs).',
      labelNames: ['state'],
      registers,
    });
    this.#jobs = {
      due: gauge('nimble_jobs_due', 'Jobs whose due time has passed that no worker holds yet.'),
      scheduled: gauge('nimble_jobs_scheduled', 'Jobs whose due time is still to come.'),
      held: gauge('nimble_jobs_held', 'Jobs a worker holds under a lease while it runs their step.'),
      oldestDueAge: gauge(
        'nimble_jobs_oldest_due_age_seconds',
        'How long the oldest due job has waited past its due time (0 when none is due).',
      ),
      running: gauge('nimble_job_steps_running', "Job steps this process's worker is running now."),
      succeeded: counter('nimble_job_steps_succeeded_total', "Job steps this process's worker finished."),
      failed: counter('nimble_job_steps_failed_total', "Job steps this process's worker ran that threw."),
      gaveUp: counter('nimble_jobs_given_up_total', "Jobs this process's worker gave up on."),
    };
    this.#poolGauge(registers);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one answered request and its latency. */
  observeRequest(operation: string, errorType: string | undefined, seconds: number): void {
    const labels = { operation, error_type: errorType ?? NO_ERROR };
    this.#requests.inc(labels);
    this.#latency.observe(labels, seconds);
  }

  /** Counts a request refused because a quota was full; `code` names the quota. */
  quotaRefused(code: string): void {
    this.#quotaRefusals.inc({ code });
  }

  /** Counts a request the throttle refused. */
  throttled(operation: string): void {
    this.#throttled.inc({ operation });
  }

  /**
   * Reads sessions, jobs and the pool from the service, then renders the exposition text. A storage read
   * that fails or takes longer than `storageTimeoutMs` leaves its gauges at their last values and sets
   * `nimble_storage_up` to 0, so a scrape still answers while PostgreSQL is away.
   */
  async scrape(): Promise<{ readonly contentType: string; readonly text: string }> {
    const [sessions, jobs] = await Promise.allSettled([this.#readSessions(), this.#readJobs()]);
    this.#storageUp.set(sessions.status === 'fulfilled' && jobs.status === 'fulfilled' ? 1 : 0);
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Recounts sessions by state unless a count younger than `sessionCountTtlMs` exists. */
  async #readSessions(): Promise<void> {
    const now = this.#now();
    if (this.#sessionCountAt !== undefined && now - this.#sessionCountAt < this.#sessionCountTtlMs) return;
    const counts = await withTimeout(
      this.source.sessionCountsByState(),
      this.#storageTimeoutMs,
      'counting sessions',
    );
    for (const state of STREAMING_SESSION_STATES) this.#sessions.set({ state }, counts[state] ?? 0);
    this.#sessionCountAt = now;
  }

  async #readJobs(): Promise<void> {
    const stats = await withTimeout(this.source.jobStats(), this.#storageTimeoutMs, 'reading job stats');
    const jobs = this.#jobs;
    jobs.due.set(stats.due);
    jobs.scheduled.set(stats.scheduled);
    jobs.held.set(stats.held);
    jobs.oldestDueAge.set(
      stats.oldestDueAt === undefined ? 0 : Math.max(0, this.#now() - stats.oldestDueAt) / 1000,
    );
    jobs.running.set(stats.running);
    // The worker's own counts only grow; the counters follow them.
    jobs.succeeded.inc(Math.max(0, stats.succeeded - this.#seen.succeeded));
    jobs.failed.inc(Math.max(0, stats.failed - this.#seen.failed));
    jobs.gaveUp.inc(Math.max(0, stats.gaveUp - this.#seen.gaveUp));
    this.#seen = { succeeded: stats.succeeded, failed: stats.failed, gaveUp: stats.gaveUp };
  }

  #poolGauge(registers: Registry[]): void {
    if (this.source.storagePoolUsage() === undefined) return;
    const source = this.source;
    new Gauge({
      name: 'nimble_postgres_pool_connections',
      help: 'PostgreSQL pool: connections open (total) and idle, and callers waiting for one (waiting).',
      labelNames: ['state'],
      registers,
      collect() {
        const usage = source.storagePoolUsage();
        if (usage === undefined) return;
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
  }
}

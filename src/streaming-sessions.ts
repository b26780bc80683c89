import 'reflect-metadata';
import { Container } from 'inversify';
import type { Result } from 'neverthrow';
import { resolveServiceConfig, type DeepPartial, type ServiceConfig } from './application/config.js';
import { CreateStreamingSessionHandler } from './application/create-streaming-session.js';
import { GetStreamingSessionHandler } from './application/get-streaming-session.js';
import {
  ListStreamingSessionsHandler,
  type ListStreamingSessionsOutput,
} from './application/list-streaming-sessions.js';
import type { Catalog } from './application/ports/catalog.js';
import type { Clock, IdGenerator } from './application/ports/clock.js';
import type { InstanceProvisioner } from './application/ports/provisioner.js';
import { JobWorker, type JobWorkerStats } from './application/jobs/job-worker.js';
import {
  DeleteStreamingSessionHandler,
  StartStreamingSessionHandler,
  StopStreamingSessionHandler,
} from './application/lifecycle-handlers.js';
import type { Readiness, ServiceOperability, StreamingSessionsApi } from './application/ports/inbound.js';
import type { Logger } from './application/ports/logger.js';
import { parseSeed, type Seed } from './application/seed.js';
import type {
  CreateStreamingSessionInput,
  GetStreamingSessionInput,
  ListStreamingSessionsInput,
  StopStreamingSessionInput,
  StartStreamingSessionInput,
  DeleteStreamingSessionInput,
} from './application/validation/requests.js';
import { InMemoryCatalog } from './application/seed-catalog.js';
import { inMemoryStorage } from './adapters/in-memory/module.js';
import { runAsBackgroundWork } from './adapters/postgres/embedded/background-work.js';
import { coreModule, environmentModule } from './adapters/inversify/core-module.js';
import type { PoolUsage, StorageAdapter } from './application/ports/storage.js';
import { TOKENS } from './application/tokens.js';
import { SimulatedProvisioner } from './adapters/provisioner/simulated.js';
import { RandomIdGenerator, SystemClock } from './adapters/system/clock.js';
import { consoleLogger } from './adapters/system/logger.js';
import type { ApiError, Caller, StreamingSessionStateName, StreamingSessionView } from './domain/index.js';

/** How to assemble the control plane; everything but the catalog has an embedded default. */
export interface StreamingSessionsOptions {
  /** The catalog: a seed document (validated; throws on an invalid one) or your own Catalog. */
  readonly catalog: Seed | Catalog;
  /** Where events, views and the outbox live. Default: in memory. */
  readonly storage?: StorageAdapter;
  /** Default: a simulated provisioner whose instances are running at once. */
  readonly provisioner?: InstanceProvisioner;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Where failures the caller cannot see (a job step that threw) are reported. Default: warnings and errors to stderr. */
  readonly logger?: Logger;
  readonly config?: DeepPartial<ServiceConfig>;
  /** Start the provisioning worker at once (default true). */
  readonly startProvisioning?: boolean;
}

function isCatalog(value: Seed | Catalog): value is Catalog {
  return typeof (value as Partial<Catalog>).getStudio === 'function';
}

/**
 * The streaming-session control plane, embedded: call its operations with the caller's identity and get
 * neverthrow Results whose errors are the API's seven error types as data.
 */
export class StreamingSessions implements StreamingSessionsApi, ServiceOperability {
  readonly #create: CreateStreamingSessionHandler;
  readonly #get: GetStreamingSessionHandler;
  readonly #list: ListStreamingSessionsHandler;
  readonly #stop: StopStreamingSessionHandler;
  readonly #start: StartStreamingSessionHandler;
  readonly #delete: DeleteStreamingSessionHandler;
  readonly #worker: JobWorker;

  constructor(
    /** The Inversify container, for those who compose their own handlers or adapters. */
    readonly container: Container,
    private readonly storage: StorageAdapter,
  ) {
    this.#create = container.get(CreateStreamingSessionHandler);
    this.#get = container.get(GetStreamingSessionHandler);
    this.#list = container.get(ListStreamingSessionsHandler);
    this.#stop = container.get(StopStreamingSessionHandler);
    this.#start = container.get(StartStreamingSessionHandler);
    this.#delete = container.get(DeleteStreamingSessionHandler);
    this.#worker = container.get(JobWorker);
  }

  /** CreateStreamingSession: the new session in CREATE_IN_PROGRESS, or the API error. */
  createStreamingSession(
    input: CreateStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    return this.#create.handle(input, caller);
  }

  /** GetStreamingSession: the session's current view. */
  getStreamingSession(
    input: GetStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    return this.#get.handle(input, caller);
  }

  /**
   * StopStreamingSession: the session in STOP_IN_PROGRESS (a job takes it to STOPPED), or the current
   * session when a stop is already under way.
   */
  stopStreamingSession(
    input: StopStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    return this.#stop.handle(input, caller);
  }

  /** StartStreamingSession: the session in START_IN_PROGRESS (a job boots it again to READY). */
  startStreamingSession(
    input: StartStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    return this.#start.handle(input, caller);
  }

  /**
   * DeleteStreamingSession: the session in DELETE_IN_PROGRESS (a job terminates it, and its quota slot is
   * given back at DELETED), or the current session when it is already being deleted or is DELETED.
   */
  deleteStreamingSession(
    input: DeleteStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    return this.#delete.handle(input, caller);
  }

  /** ListStreamingSessions: one page of the studio's sessions the caller may see, and a token for the next. */
  listStreamingSessions(
    input: ListStreamingSessionsInput,
    caller: Caller,
  ): Promise<Result<ListStreamingSessionsOutput, ApiError>> {
    return this.#list.handle(input, caller);
  }

  /**
   * Starts the provisioning worker (idempotent), as background work: where requests and its steps share
   * something scarce (the embedded database's one connection), requests go first.
   */
  startProvisioning(): void {
    runAsBackgroundWork(() => {
      this.#worker.start();
    });
  }

  /** Stops the provisioning worker; unfinished jobs stay scheduled. */
  stopProvisioning(): Promise<void> {
    return this.#worker.stop();
  }

  /** The job worker's counters: due, scheduled and held jobs, steps running, succeeded and failed. */
  jobStats(): Promise<JobWorkerStats> {
    return this.#worker.stats();
  }

  /**
   * Whether this instance can serve: storage reachable (and, for PostgreSQL, its schema at the version
   * this code needs) and the job worker running. Each failed check says why; nothing throws.
   */
  async readiness(): Promise<Readiness> {
    const storage = await (this.storage.check?.() ?? Promise.resolve()).then(
      () => 'ok',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const worker = this.#worker.isRunning ? 'ok' : 'stopped';
    return { ready: storage === 'ok' && worker === 'ok', checks: { storage, worker } };
  }

  /** How many sessions are in each state, from the sessions view (one pass over it: not per request). */
  sessionCountsByState(): Promise<Readonly<Partial<Record<StreamingSessionStateName, number>>>> {
    return this.container.get(TOKENS.SessionViews).countByState();
  }

  /** The storage's connection pool usage, when it has a pool (PostgreSQL). */
  storagePoolUsage(): PoolUsage | undefined {
    return this.storage.poolUsage?.();
  }

  /** Stops the worker and releases the storage adapter's own connections. */
  async close(): Promise<void> {
    await this.#worker.stop();
    await this.storage.close();
  }
}

/**
 * Assembles the control plane from its parts: one call for an embedding backend.
 *
 * @example
 * const sessions = await createStreamingSessions({ catalog: seed });
 * const created = await sessions.createStreamingSession({ studioId, launchProfileId }, caller);
 */
export async function createStreamingSessions(options: StreamingSessionsOptions): Promise<StreamingSessions> {
  const clock = options.clock ?? new SystemClock();
  let catalog: Catalog;
  let config = options.config ?? {};
  if (isCatalog(options.catalog)) {
    catalog = options.catalog;
  } else {
    const seed = parseSeed(options.catalog);
    if (seed.isErr()) throw new Error(`Invalid seed: ${seed.error.message}`);
    catalog = new InMemoryCatalog(seed.value);
    // The seed's account id names the ARNs unless the configuration says otherwise.
    const account = seed.value.accountId;
    if (account !== undefined && config.arn?.account === undefined) {
      config = { ...config, arn: { ...config.arn, account } };
    }
  }
  const storage = options.storage ?? inMemoryStorage();
  const container = new Container();
  await storage.open?.();
  container.load(
    coreModule(resolveServiceConfig(config)),
    environmentModule({
      catalog,
      provisioner: options.provisioner ?? new SimulatedProvisioner(clock),
      clock,
      ids: options.ids ?? new RandomIdGenerator(),
      logger: options.logger ?? consoleLogger('warn'),
    }),
    storage.module,
  );
  const sessions = new StreamingSessions(container, storage);
  if (options.startProvisioning ?? true) sessions.startProvisioning();
  return sessions;
}

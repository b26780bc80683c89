/**
 * A small catalog for the application tests, and helpers to assemble the service over it with a clock the
 * test controls. Ids have the real services' shapes (reference §5).
 */
import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import {
  createStreamingSessions,
  InMemoryCatalog,
  inMemoryStorage,
  type InMemoryDatabase,
  type InstanceProvisioner,
  parseSeed,
  SimulatedProvisioner,
  TOKENS,
  type Caller,
  type Catalog,
  type Logger,
  type Seed,
  type SeedQuotas,
  type SimulatedProvisionerOptions,
  type StorageAdapter,
  type StreamingSessions,
  type DeepPartial,
  type ServiceConfig,
} from 'nimble-streaming-sessions';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { SessionViews, SessionViewRow } from '../../src/application/ports/session-views.js';
import { JobWorker } from '../../src/application/jobs/job-worker.js';
import { sessionStreamId } from '../../src/application/streams.js';
import type { QuotaLimits } from 'nimble-streaming-sessions/domain';
import { VirtualClock } from 'nimble-streaming-sessions/testing';

export const STUDIO_ID = 'us-west-2:stid-apptest000000001';
export const OTHER_STUDIO_ID = 'eu-west-1:stid-apptest000000002';
export const UNREADY_STUDIO_ID = 'us-west-2:stid-apptest000000003';
export const LP = 'LpAppTestMain00000001';
export const LP_UPDATING = 'LpAppTestUpdating0001';
export const LP_DELETED = 'LpAppTestDeleted00001';
export const LP_OTHER_STUDIO = 'LpAppTestOther0000001';
/** Persistent, auto-terminating 60 min after a stop, automatic backups (2 kept): sessions can be stopped. */
export const LP_STOPPABLE = 'LpAppTestStoppable001';
export const IMG = 'ImgAppTestAmazon00001';
export const IMG_EULA = 'ImgAppTestEula0000001';
export const IMG_UNACCEPTED = 'ImgAppTestUnaccepted1';
export const IMG_UPDATING = 'ImgAppTestUpdating001';
export const IMG_MISSING = 'ImgAppTestMissing0001';
export const EULA_ACCEPTED = 'EulaAppTestAccepted01';
export const EULA_PENDING = 'EulaAppTestPending001';

export const ADMIN: Caller = {
  principalId: '0f0f0f0f0f-aaaaaaaa-bbbb-4ccc-9ddd-eeeeeeeeeeee',
  kind: 'STUDIO_USER',
};
export const ARTIST: Caller = {
  principalId: '92677b4b19-e9fd012a-94ad-4f16-9866-c69a63ab6486',
  kind: 'STUDIO_USER',
};
export const ARTIST_2: Caller = {
  principalId: '1a2b3c4d5e-11111111-2222-4333-8444-555555555555',
  kind: 'STUDIO_USER',
};
export const OUTSIDER: Caller = {
  principalId: '9e9e9e9e9e-99999999-9999-4999-8999-999999999999',
  kind: 'STUDIO_USER',
};
export const PIPELINE: Caller = { principalId: 'AROA3OO2NEHCCYRNDDIFT:i-00b98256b04d9e989', kind: 'IAM' };

/** 2024-01-02T03:04:05Z. */
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

/** The test catalog: one studio with a full launch profile, plus the edge cases each error needs. */
export function testSeed(
  quotas: SeedQuotas = { maxSessions: 1000, maxSessionsPerInstanceFamily: { g5: 0 } },
): Seed {
  const streamConfiguration = {
    clipboardMode: 'ENABLED' as const,
    ec2InstanceTypes: ['g4dn.xlarge' as const, 'g4dn.2xlarge' as const, 'g5.xlarge' as const],
    streamingImageIds: [IMG, IMG_EULA, IMG_UNACCEPTED, IMG_UPDATING, IMG_MISSING],
  };
  const seed: Seed = {
    studios: [
      {
        studioId: STUDIO_ID,
        state: 'READY',
        studioMembers: [{ principalId: ADMIN.principalId, persona: 'ADMINISTRATOR' }],
        eulaAcceptances: [{ eulaId: EULA_ACCEPTED }],
        quotas,
      },
      { studioId: OTHER_STUDIO_ID, state: 'READY' },
      { studioId: UNREADY_STUDIO_ID, state: 'CREATE_IN_PROGRESS' },
    ],
    launchProfiles: [
      {
        launchProfileId: LP,
        studioId: STUDIO_ID,
        state: 'READY',
        streamConfiguration,
        launchProfileMembers: [
          { principalId: ARTIST.principalId, persona: 'USER' },
          { principalId: ARTIST_2.principalId, persona: 'USER' },
        ],
      },
      {
        launchProfileId: LP_STOPPABLE,
        studioId: STUDIO_ID,
        state: 'READY',
        streamConfiguration: {
          ...streamConfiguration,
          maxSessionLengthInMinutes: 690,
          maxStoppedSessionLengthInMinutes: 60,
          sessionPersistenceMode: 'ACTIVATED',
          automaticTerminationMode: 'ACTIVATED',
          sessionBackup: { mode: 'AUTOMATIC', maxBackupsToRetain: 2 },
        },
        launchProfileMembers: [
          { principalId: ARTIST.principalId, persona: 'USER' },
          { principalId: ARTIST_2.principalId, persona: 'USER' },
        ],
      },
      { launchProfileId: LP_UPDATING, studioId: STUDIO_ID, state: 'UPDATE_IN_PROGRESS', streamConfiguration },
      { launchProfileId: LP_DELETED, studioId: STUDIO_ID, state: 'DELETED', streamConfiguration },
      {
        launchProfileId: LP_OTHER_STUDIO,
        studioId: OTHER_STUDIO_ID,
        state: 'READY',
        streamConfiguration: {
          clipboardMode: 'DISABLED',
          ec2InstanceTypes: ['g4dn.xlarge'],
          streamingImageIds: [IMG],
        },
        launchProfileMembers: [{ principalId: ARTIST_2.principalId, persona: 'USER' }],
      },
    ],
    streamingImages: [
      { streamingImageId: IMG, owner: 'amazon', state: 'READY' },
      { streamingImageId: IMG_EULA, owner: STUDIO_ID, state: 'READY', eulaIds: [EULA_ACCEPTED] },
      { streamingImageId: IMG_UNACCEPTED, owner: STUDIO_ID, state: 'READY', eulaIds: [EULA_PENDING] },
      { streamingImageId: IMG_UPDATING, owner: STUDIO_ID, state: 'UPDATE_IN_PROGRESS' },
    ],
  };
  const parsed = parseSeed(seed);
  if (parsed.isErr()) throw new Error(`The test seed is invalid: ${parsed.error.message}`);
  return parsed.value;
}

/** A clock that moves only when the test moves it. */
export class ManualClock extends VirtualClock {
  constructor(time = T0) {
    super(time);
  }
}

/** One record a RecordingLogger kept. */
export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly context: Readonly<Record<string, unknown>>;
}

/** A Logger that keeps what it is told, for tests that check a failure was reported. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  readonly debug = this.#at('debug');
  readonly info = this.#at('info');
  readonly warn = this.#at('warn');
  readonly error = this.#at('error');

  #at(level: LogRecord['level']) {
    return (context: Readonly<Record<string, unknown>>, message: string): void => {
      this.records.push({ level, message, context });
    };
  }
}

/** The in-memory catalog, with quota limits a test can raise (as a granted quota increase would). */
export class AdjustableCatalog extends InMemoryCatalog {
  readonly #overrides = new Map<string, QuotaLimits>();

  setQuotaLimits(studioId: string, limits: QuotaLimits): void {
    this.#overrides.set(studioId, limits);
  }

  override async getQuotaLimits(studioId: string): Promise<QuotaLimits> {
    return this.#overrides.get(studioId) ?? (await super.getQuotaLimits(studioId));
  }
}

/** What an application test runs against. */
export interface TestService {
  readonly sessions: StreamingSessions;
  readonly clock: ManualClock;
  readonly provisioner: SimulatedProvisioner;
  /** Every session row of a studio, in creation order. */
  rows(studioId?: string): Promise<readonly SessionViewRow[]>;
  /** Runs provisioning until no session is left in CREATE_IN_PROGRESS. */
  provisionAll(): Promise<void>;
  /** The event types of a session's stream, in order. */
  eventTypes(sessionId: string, studioId?: string): Promise<readonly string[]>;
  readonly worker: JobWorker;
  readonly logger: RecordingLogger;
}

/** Assembles the service over the test catalog with provisioning driven by the test (not started). */
export async function testService(
  options: {
    readonly catalog?: Seed | Catalog;
    readonly storage?: StorageAdapter;
    readonly provisioner?: SimulatedProvisionerOptions;
    /** A simulated cloud shared with another service instance (the same EC2 after a restart). */
    readonly cloud?: SimulatedProvisioner;
    /** Wraps what the worker calls, to stall or crash it part-way. */
    readonly wrapProvisioner?: (provisioner: InstanceProvisioner) => InstanceProvisioner;
    readonly config?: DeepPartial<ServiceConfig>;
    readonly clock?: ManualClock;
  } = {},
): Promise<TestService> {
  const clock = options.clock ?? new ManualClock();
  const logger = new RecordingLogger();
  const provisioner = options.cloud ?? new SimulatedProvisioner(clock, options.provisioner);
  const sessions = await createStreamingSessions({
    catalog: options.catalog ?? testSeed(),
    provisioner: options.wrapProvisioner?.(provisioner) ?? provisioner,
    clock,
    logger,
    startProvisioning: false,
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    config: { ...options.config, provisioning: { batchSize: 1000, ...options.config?.provisioning } },
  });
  const views = sessions.container.get(TOKENS.SessionViews);
  const worker = sessions.container.get(JobWorker);
  const store = sessions.container.get(TOKENS.EventStore);
  const queue = sessions.container.get(TOKENS.JobQueue);
  return {
    sessions,
    clock,
    provisioner,
    worker,
    logger,
    eventTypes: async (sessionId, studioId = STUDIO_ID) =>
      (await store.read(sessionStreamId(studioId, sessionId))).events.map((e) => e.type),
    rows: (studioId = STUDIO_ID) => views.list(studioId, { limit: 1_000_000 }),
    provisionAll: async () => {
      // Run what is due; while sessions are still being provisioned (a boot in progress), move the clock
      // to the next due step. Deadlines further out (automatic stop or termination) are left alone.
      for (;;) {
        await worker.runDue();
        const next = await queue.nextDueAt();
        if (next === undefined || (await views.countInProgress()) === 0) return;
        clock.set(next);
      }
    },
  };
}

/** Decorators a test puts around the real in-memory ports (a lagging view, a competing process…). */
export interface PortWrappers {
  readonly store?: (store: EventStore) => EventStore;
  readonly views?: (views: SessionViews) => SessionViews;
}

/**
 * An in-memory storage adapter over `db`, with some ports wrapped: a storage adapter is only a module
 * binding the three tokens, so composing one needs nothing but the public API.
 */
export function wrappedStorage(db: InMemoryDatabase, wrap: PortWrappers = {}): StorageAdapter {
  const inner = inMemoryStorage(db);
  const parts = new Container();
  parts.load(inner.module);
  const store = parts.get(TOKENS.EventStore);
  const views = parts.get(TOKENS.SessionViews);
  const queue = parts.get(TOKENS.JobQueue);
  return {
    name: 'in-memory (wrapped)',
    module: new ContainerModule(({ bind }) => {
      bind(TOKENS.EventStore).toConstantValue(wrap.store?.(store) ?? store);
      bind(TOKENS.SessionViews).toConstantValue(wrap.views?.(views) ?? views);
      bind(TOKENS.JobQueue).toConstantValue(queue);
    }),
    close: () => inner.close(),
  };
}

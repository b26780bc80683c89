import type { EntityRef } from '../../application/ports/entities.js';
import type {
  ClientTokenRecord,
  CommitSuccess,
  EventStore,
  ExpectedVersion,
  NewEvent,
  StreamAppend,
  UnitOfWork,
} from '../../application/ports/event-store.js';
import type { JobQueue } from '../../application/ports/jobs.js';
import type { SessionViews } from '../../application/ports/session-views.js';
import { StreamingSession, type ExistingSession, type SessionRequestedData } from '../../domain/index.js';

/** What the contract needs of an adapter set: its three ports over one storage, and a way to release it. */
export interface EventStoreContractSubject {
  readonly store: EventStore;
  readonly views: SessionViews;
  readonly queue: JobQueue;
  /** Releases what the factory opened (pools, listeners). Called after every test. */
  close(): Promise<void>;
}

/** What every part of the contract gets: the current test's subject and a few helpers over it. */
export interface ContractContext {
  /** The subject of the running test (a fresh one per test). */
  readonly subject: () => EventStoreContractSubject;
  /** Commits and fails the test unless the commit succeeds. */
  readonly commitOk: (unit: UnitOfWork, now?: number) => Promise<CommitSuccess>;
}

/** A fixed instant (2024-01-02T03:04:05Z), so every time in the contract is explicit. */
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
export const STUDIO = 'us-west-2:stid-contract0000000001';
export const OTHER_STUDIO = 'us-west-2:stid-contract0000000002';

/** An event to append; `data` must survive a JSON round trip. */
export const event = (type: string, data: unknown = {}): NewEvent => ({ type, version: 1, data });

/** An append of events of the given types to a stream of the contract's studio. */
export function append(streamId: string, expected: ExpectedVersion, ...types: string[]): StreamAppend {
  return { streamId, studioId: STUDIO, expected, events: types.map((type) => event(type)) };
}

/** A session, as job keys, token records and view rows name it. */
export const sessionRef = (id: string): EntityRef => ({ kind: 'session', id });

/** A client-token record of the contract's studio, expiring a minute after T0. */
export function tokenRecord(overrides: Partial<ClientTokenRecord> = {}): ClientTokenRecord {
  return {
    studioId: STUDIO,
    operation: 'CreateStreamingSession',
    clientToken: 'token-1',
    fingerprint: 'fingerprint-1',
    entity: { kind: 'session', id: 'session-1' },
    expiresAt: T0 + 60_000,
    ...overrides,
  };
}

/** Who created and owns a fixture session, when, and whether it is already READY. */
export interface SessionFixtureOptions {
  readonly requestedAt?: number;
  readonly createdBy?: string;
  readonly ownedBy?: string;
  readonly ready?: boolean;
}

/** A real session state, built by the domain's own evolve, for view rows. */
export function contractSession(
  studioId: string,
  sessionId: string,
  options: SessionFixtureOptions = {},
): ExistingSession {
  const requestedAt = options.requestedAt ?? T0;
  const data: SessionRequestedData = {
    sessionId,
    studioId,
    launchProfileId: 'LpContract000000000001',
    ec2InstanceType: 'g4dn.xlarge',
    streamingImageId: 'ImgContract0000000001',
    ownedBy: options.ownedBy ?? 'owner-1',
    createdBy: options.createdBy ?? 'creator-1',
    tags: { team: 'contract' },
    requestedAt,
    maxSessionLengthInMinutes: 690,
    maxStoppedSessionLengthInMinutes: 0,
    sessionPersistenceMode: 'DEACTIVATED',
    automaticTerminationMode: 'DEACTIVATED',
    backupMode: 'DEACTIVATED',
    maxBackupsToRetain: 0,
    stopAllowed: false,
    terminateAt: requestedAt + 690 * 60_000,
  };
  let state = StreamingSession.evolve(StreamingSession.initialState, {
    type: 'SessionRequested',
    version: 1,
    data,
  });
  if (options.ready === true) {
    state = StreamingSession.evolve(state, {
      type: 'InstanceAllocated',
      version: 1,
      data: { sessionId, instanceId: 'i-00000000000000001', allocatedAt: requestedAt + 1000 },
    });
    state = StreamingSession.evolve(state, {
      type: 'SessionReady',
      version: 1,
      data: { sessionId, readyAt: requestedAt + 2000 },
    });
  }
  if (state.state === 'NOT_REQUESTED') throw new Error('The fixture session was not requested.');
  return state;
}

/** The element at `index`, failing the test when there is none (for lists a previous step checked). */
export function at<T>(list: readonly T[], index: number): T {
  const item = list[index < 0 ? list.length + index : index];
  if (item === undefined) throw new Error(`Expected an element at index ${index} of ${list.length}.`);
  return item;
}

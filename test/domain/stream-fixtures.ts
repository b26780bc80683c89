/**
 * Fixtures for the stream decider's tests: a session in each of its states (built by the session decider
 * from the session fixtures), one valid stream create, builders that change one fact at a time, and the
 * events of a stream's life.
 */
import {
  StreamingSession,
  replay,
  type Caller,
  type ExistingSession,
  type StreamingSessionEvent,
  type StreamingSessionStateName,
} from 'nimble-streaming-sessions/domain';
import {
  StreamingSessionStream,
  type CreateStreamFacts,
  type CreateStreamingSessionStream,
  type CreateStreamingSessionStreamRequest,
  type EndStream,
  type ExistingStream,
  type FailStreamCreate,
  type RecordStreamConnected,
  type StreamCreateFailureStatusCode,
  type StreamingSessionStreamEvent,
  type StreamingSessionStreamState,
  type StreamRequestedData,
} from '../../src/domain/index.js';
import {
  MINUTE,
  NOW_S,
  SESSION_ID,
  STUDIO_ID,
  T3,
  USER,
  allocated,
  createFailed,
  deleteFailed,
  deleteRequested,
  ready,
  requested,
  sessionDeleted,
  sessionStarted,
  sessionStopped,
  startFailed,
  startRequested,
  stopFailed,
  stopRequested,
  stoppableRequested,
  studioUser,
} from './fixtures.js';

export const STREAM_ID = 'stream-c3RyZWFtLWlkLTAwMDAwMQ';
export const STREAM_2_ID = 'stream-c3RyZWFtLWlkLTAwMDAwMg';
export const DCV_URL = `https://10.0.12.34:8443/?authToken=dG9rZW4tb25l#${SESSION_ID}`;
export const OTHER_URL = `https://10.0.12.35:8443/?authToken=dG9rZW4tdHdv#${SESSION_ID}`;
export const CLIENT_TOKEN = 'c7f5b2a0-3d4e-4f10-9a8b-0123456789ab';
export const FINGERPRINT = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c';

/** When the stream is asked for: 2024-01-02T03:09:05.250Z, five minutes after the session's create. */
export const S_NOW = NOW_S + 5 * MINUTE + 250;
/** S_NOW in whole seconds: the stream's createdAt. */
export const S_CREATED = NOW_S + 5 * MINUTE;
/** createdAt + the default 120 seconds. */
export const S_EXPIRES = S_CREATED + 120_000;
/** The provisioner's answer, ten seconds after the create. */
export const S_CONNECTED = S_CREATED + 10_000;
/** Half-way to the expiry. */
export const S_LATER = S_CREATED + 60_000;

// ------------------------------------------------------------------------------- sessions

const READY_ = [requested(), allocated(), ready()];
const STOPPABLE_READY_ = [stoppableRequested(), allocated(), ready()];
const STOP_IN_PROGRESS_ = [...STOPPABLE_READY_, stopRequested()];
const STOPPED_ = [...STOP_IN_PROGRESS_, sessionStopped(T3 + MINUTE, { terminateAt: T3 + 120 * MINUTE })];
const START_IN_PROGRESS_ = [...STOPPED_, startRequested()];
const DELETE_IN_PROGRESS_ = [...READY_, deleteRequested()];

/** A history of the session decider that ends in each state a session can be in. */
export const SESSION_HISTORIES: Readonly<
  Record<StreamingSessionStateName, readonly StreamingSessionEvent[]>
> = {
  CREATE_IN_PROGRESS: [requested()],
  READY: READY_,
  CREATE_FAILED: [requested(), createFailed()],
  STOP_IN_PROGRESS: STOP_IN_PROGRESS_,
  STOPPED: STOPPED_,
  STOP_FAILED: [...STOP_IN_PROGRESS_, stopFailed()],
  START_IN_PROGRESS: START_IN_PROGRESS_,
  START_FAILED: [...START_IN_PROGRESS_, startFailed()],
  DELETE_IN_PROGRESS: DELETE_IN_PROGRESS_,
  DELETE_FAILED: [...DELETE_IN_PROGRESS_, deleteFailed()],
  DELETED: [...DELETE_IN_PROGRESS_, sessionDeleted()],
};

export const SESSION_STATE_NAMES = Object.keys(SESSION_HISTORIES) as StreamingSessionStateName[];

/** The session (owned by USER, in STUDIO_ID) in the given state. */
export function sessionIn(name: StreamingSessionStateName): ExistingSession {
  const state = replay(StreamingSession, SESSION_HISTORIES[name]);
  if (state.state !== name) throw new Error(`The history for ${name} ends in ${state.state}.`);
  return state;
}

/** A session that is READY again after a stop and a start (status STREAMING_SESSION_STARTED). */
export function restartedSession(): ExistingSession {
  return replay(StreamingSession, [...START_IN_PROGRESS_, sessionStarted()]) as ExistingSession;
}

// ------------------------------------------------------------------------------- commands

export interface CreateStreamOverrides {
  readonly streamId?: string;
  readonly now?: number;
  readonly caller?: Caller;
  readonly request?: Partial<CreateStreamingSessionStreamRequest>;
  readonly facts?: Partial<CreateStreamFacts>;
  readonly clientToken?: string;
  readonly fingerprint?: string;
}

/** A stream create every rule accepts: the session's owner, on its READY session, with no stream yet. */
export function createStream(overrides: CreateStreamOverrides = {}): CreateStreamingSessionStream {
  return {
    type: 'CreateStreamingSessionStream',
    streamId: overrides.streamId ?? STREAM_ID,
    now: overrides.now ?? S_NOW,
    caller: overrides.caller ?? studioUser,
    request: { studioId: STUDIO_ID, sessionId: SESSION_ID, ...overrides.request },
    facts: {
      session: sessionIn('READY'),
      callerIsStudioAdmin: false,
      callerHasStandingInStudio: true,
      liveStreams: 0,
      maxLiveStreamsPerSession: 5,
      ...overrides.facts,
    },
    ...(overrides.clientToken === undefined ? {} : { clientToken: overrides.clientToken }),
    ...(overrides.fingerprint === undefined ? {} : { fingerprint: overrides.fingerprint }),
  };
}

export function connect(now = S_CONNECTED + 400, url = DCV_URL): RecordStreamConnected {
  return { type: 'RecordStreamConnected', url, now };
}

export function failCreate(
  now = S_CONNECTED + 400,
  statusCode: StreamCreateFailureStatusCode = 'INTERNAL_ERROR',
  statusMessage = 'The DCV server did not answer.',
): FailStreamCreate {
  return { type: 'FailStreamCreate', statusCode, statusMessage, now };
}

export function expire(now = S_EXPIRES + 700): EndStream {
  return { type: 'EndStream', reason: 'EXPIRED', now };
}

export function sessionLeftReady(
  sessionState: StreamingSessionStateName = 'STOP_IN_PROGRESS',
  now = S_LATER + 300,
): EndStream {
  return { type: 'EndStream', reason: 'SESSION_LEFT_READY', sessionState, now };
}

// ------------------------------------------------------------------------------- events

export const baseStreamData: StreamRequestedData = {
  streamId: STREAM_ID,
  sessionId: SESSION_ID,
  studioId: STUDIO_ID,
  createdAt: S_CREATED,
  createdBy: USER,
  ownedBy: USER,
  expiresAt: S_EXPIRES,
};

export function streamRequested(data: Partial<StreamRequestedData> = {}): StreamingSessionStreamEvent {
  return { type: 'StreamRequested', version: 1, data: { ...baseStreamData, ...data } };
}

export function streamConnected(at = S_CONNECTED, url = DCV_URL): StreamingSessionStreamEvent {
  return {
    type: 'StreamConnected',
    version: 1,
    data: { streamId: STREAM_ID, sessionId: SESSION_ID, url, connectedAt: at },
  };
}

export function streamCreateFailed(
  at = S_CONNECTED,
  statusCode: StreamCreateFailureStatusCode = 'INTERNAL_ERROR',
  statusMessage = 'The DCV server did not answer.',
): StreamingSessionStreamEvent {
  return {
    type: 'StreamCreateFailed',
    version: 1,
    data: { streamId: STREAM_ID, sessionId: SESSION_ID, statusCode, statusMessage, failedAt: at },
  };
}

export function streamExpired(at = S_EXPIRES): StreamingSessionStreamEvent {
  return {
    type: 'StreamDeleted',
    version: 1,
    data: { streamId: STREAM_ID, sessionId: SESSION_ID, deletedAt: at, reason: 'EXPIRED' },
  };
}

export function streamEndedWithSession(
  sessionState: StreamingSessionStateName = 'STOP_IN_PROGRESS',
  at = S_LATER,
): StreamingSessionStreamEvent {
  return {
    type: 'StreamDeleted',
    version: 1,
    data: {
      streamId: STREAM_ID,
      sessionId: SESSION_ID,
      deletedAt: at,
      reason: 'SESSION_LEFT_READY',
      sessionState,
    },
  };
}

type StreamStateName = StreamingSessionStreamState['state'];

/** A history that ends in each state the decider reaches. */
export const STREAM_HISTORIES: Readonly<Record<StreamStateName, readonly StreamingSessionStreamEvent[]>> = {
  NOT_REQUESTED: [],
  CREATE_IN_PROGRESS: [streamRequested()],
  READY: [streamRequested(), streamConnected()],
  CREATE_FAILED: [streamRequested(), streamCreateFailed()],
  DELETED: [streamRequested(), streamConnected(), streamExpired()],
};

export const STREAM_STATE_NAMES = Object.keys(STREAM_HISTORIES) as StreamStateName[];

/** The stream in the given state (not the initial one). */
export function streamIn(name: Exclude<StreamStateName, 'NOT_REQUESTED'>): ExistingStream {
  const state = replay(StreamingSessionStream, STREAM_HISTORIES[name]);
  if (state.state !== name) throw new Error(`The history for ${name} ends in ${state.state}.`);
  return state;
}

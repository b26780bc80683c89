import type { Caller } from '../streaming-session/commands.js';
import type { ExistingSession } from '../streaming-session/state.js';
import type { Instant, StreamingSessionStateName } from '../values.js';
import type { StreamCreateFailureStatusCode } from './values.js';

/** The path and body of a CreateStreamingSessionStream request. */
export interface CreateStreamingSessionStreamRequest {
  readonly studioId: string;
  readonly sessionId: string;
  /** 60–3600; absent means `STREAM_LIMITS.defaultExpirationInSeconds`. */
  readonly expirationInSeconds?: number;
}

/**
 * What the application loads before a stream create: lookups that found nothing are `undefined`, and the
 * decision turns them into the API's errors in the documented order.
 */
export interface CreateStreamFacts {
  /** The session named by the request, as it is now (any state, DELETED included), or undefined. */
  readonly session: ExistingSession | undefined;
  readonly callerIsStudioAdmin: boolean;
  /**
   * Whether the caller has standing in the studio (reference §4.2, step 0): a member of any of its launch
   * profiles. IAM callers and studio administrators have standing whatever this says.
   */
  readonly callerHasStandingInStudio: boolean;
  /** How many of the session's streams are live (CREATE_IN_PROGRESS or READY). */
  readonly liveStreams: number;
  /** The studio's limit of live streams per session (`STREAM_LIMITS.defaultMaxLiveStreamsPerSession`). */
  readonly maxLiveStreamsPerSession: number;
}

/**
 * CreateStreamingSessionStream: a new stream in CREATE_IN_PROGRESS. The id and the time come from the
 * application (the domain draws no ids and reads no clock); the client token and the request's
 * fingerprint are carried into the first event, as a session's create carries them.
 */
export interface CreateStreamingSessionStream {
  readonly type: 'CreateStreamingSessionStream';
  readonly streamId: string;
  readonly now: Instant;
  readonly caller: Caller;
  readonly request: CreateStreamingSessionStreamRequest;
  readonly facts: CreateStreamFacts;
  readonly clientToken?: string;
  readonly fingerprint?: string;
}

/** The provisioner returned the URL a DCV client connects with: the stream becomes READY. */
export interface RecordStreamConnected {
  readonly type: 'RecordStreamConnected';
  readonly url: string;
  readonly now: Instant;
}

/** The provisioner could not connect the stream: CREATE_FAILED with its status code. */
export interface FailStreamCreate {
  readonly type: 'FailStreamCreate';
  readonly statusCode: StreamCreateFailureStatusCode;
  readonly statusMessage: string;
  readonly now: Instant;
}

/** The stream's `expiresAt` has passed. Refused before then, so a schedule entry that fires early is safe. */
export interface EndOnExpiry {
  readonly reason: 'EXPIRED';
}

/**
 * The stream's session left READY (stopped, deleted, stopped or terminated on its own): the instance the
 * stream reaches is gone. `sessionState` is the state the session is in now; READY is refused.
 */
export interface EndOnSessionLeftReady {
  readonly reason: 'SESSION_LEFT_READY';
  readonly sessionState: StreamingSessionStateName;
}

/** Ends a live stream, for one of the two reasons a stream ends (there is no Delete operation). */
export type EndStream = {
  readonly type: 'EndStream';
  readonly now: Instant;
} & (EndOnExpiry | EndOnSessionLeftReady);

export type StreamingSessionStreamCommand =
  CreateStreamingSessionStream | RecordStreamConnected | FailStreamCreate | EndStream;

import type { Instant } from '../values.js';
import type { StreamDeleted, StreamRequestedData } from './events.js';
import type { StreamCreateFailureStatusCode } from './values.js';

/** Before any event: the stream has not been requested. */
export interface StreamNotRequested {
  readonly state: 'NOT_REQUESTED';
}

interface StreamFacts {
  readonly stream: StreamRequestedData;
  /** The time of the stream's last change, never before `createdAt` (see `streamAt`). */
  readonly updatedAt: Instant;
}

/** The URL the provisioner returned, and when. */
export interface StreamConnection {
  readonly url: string;
  readonly connectedAt: Instant;
}

export interface StreamCreateInProgress extends StreamFacts {
  readonly state: 'CREATE_IN_PROGRESS';
  readonly statusCode: 'STREAM_CREATE_IN_PROGRESS';
}

export interface StreamIsReady extends StreamFacts {
  readonly state: 'READY';
  readonly statusCode: 'STREAM_READY';
  readonly connection: StreamConnection;
}

/** The stream never connected; the message says why, for logs (the API's record has no message). */
export interface StreamCreateFailedState extends StreamFacts {
  readonly state: 'CREATE_FAILED';
  readonly statusCode: StreamCreateFailureStatusCode;
  readonly statusMessage: string;
}

/**
 * A READY stream that ended. It keeps its connection, so that the provisioner's answer repeated late is
 * recognised as a repeat; the view no longer shows the URL.
 */
export interface StreamIsDeleted extends StreamFacts {
  readonly state: 'DELETED';
  readonly statusCode: 'STREAM_DELETED';
  readonly connection: StreamConnection;
  readonly ending: StreamDeleted['data'];
}

/** A stream that exists: every state but the initial one. */
export type ExistingStream =
  StreamCreateInProgress | StreamIsReady | StreamCreateFailedState | StreamIsDeleted;

/**
 * The state of one stream, a union over the `StreamingSessionStreamState` values the decider reaches
 * (plus the initial `NOT_REQUESTED`).
 */
export type StreamingSessionStreamState = StreamNotRequested | ExistingStream;

export const initialStreamState: StreamingSessionStreamState = { state: 'NOT_REQUESTED' };

/** Whether a stream counts against its session's limit: until it has ended, one way or the other. */
export function isLiveStream(state: StreamingSessionStreamState): boolean {
  return state.state === 'CREATE_IN_PROGRESS' || state.state === 'READY';
}

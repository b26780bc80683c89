import type { Instant, StreamingSessionStateName } from '../values.js';
import type { StreamCreateFailureStatusCode } from './values.js';

/**
 * Everything a stream needs for the rest of its life, fixed when the create is accepted: which session
 * it reaches, who created it, who owns it (the session's owner, copied so a Get needs nothing else), when
 * it expires, and the client token with the request's fingerprint (so that a rebuild from events restores
 * the de-duplication index). Timestamps are whole seconds.
 */
export interface StreamRequestedData {
  readonly streamId: string;
  readonly sessionId: string;
  readonly studioId: string;
  readonly createdAt: Instant;
  readonly createdBy: string;
  readonly ownedBy: string;
  readonly expiresAt: Instant;
  readonly clientToken?: string;
  readonly fingerprint?: string;
}

export interface StreamRequested {
  readonly type: 'StreamRequested';
  readonly version: 1;
  readonly data: StreamRequestedData;
}

/**
 * The stream is connected: READY with the URL for a DCV client. Every event names its session as well as
 * its stream, so the live streams of a session can be counted from the events alone.
 */
export interface StreamConnected {
  readonly type: 'StreamConnected';
  readonly version: 1;
  readonly data: {
    readonly streamId: string;
    readonly sessionId: string;
    readonly url: string;
    readonly connectedAt: Instant;
  };
}

/** The stream never connected: CREATE_FAILED. */
export interface StreamCreateFailed {
  readonly type: 'StreamCreateFailed';
  readonly version: 1;
  readonly data: {
    readonly streamId: string;
    readonly sessionId: string;
    readonly statusCode: StreamCreateFailureStatusCode;
    readonly statusMessage: string;
    readonly failedAt: Instant;
  };
}

/**
 * A READY stream ended: DELETED. `sessionState` is the state its session had moved to, when that is why
 * it ended.
 */
export type StreamDeleted = {
  readonly type: 'StreamDeleted';
  readonly version: 1;
  readonly data: {
    readonly streamId: string;
    readonly sessionId: string;
    readonly deletedAt: Instant;
  } & (
    | { readonly reason: 'EXPIRED' }
    | { readonly reason: 'SESSION_LEFT_READY'; readonly sessionState: StreamingSessionStateName }
  );
};

/** Every event of a streaming-session stream. */
export type StreamingSessionStreamEvent =
  StreamRequested | StreamConnected | StreamCreateFailed | StreamDeleted;

export type StreamingSessionStreamEventType = StreamingSessionStreamEvent['type'];

/** The event type names, in one place, for stores and serializers. */
export const STREAMING_SESSION_STREAM_EVENT_TYPES = [
  'StreamRequested',
  'StreamConnected',
  'StreamCreateFailed',
  'StreamDeleted',
] as const satisfies readonly StreamingSessionStreamEventType[];

/**
 * The stream's enums and limits, in the service model's words (nimble-2020-08-01,
 * `StreamingSessionStream*` shapes).
 */

/**
 * Every `StreamingSessionStreamState` the model names. The decider reaches four of them: a stream ends at
 * once (there is no instance of its own to tear down, and no Delete operation), so DELETE_IN_PROGRESS and
 * DELETE_FAILED are listed for the wire but never entered.
 */
export const STREAMING_SESSION_STREAM_STATES = [
  'READY',
  'CREATE_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'DELETED',
  'CREATE_FAILED',
  'DELETE_FAILED',
] as const;
export type StreamingSessionStreamStateName = (typeof STREAMING_SESSION_STREAM_STATES)[number];

/** Every `StreamingSessionStreamStatusCode` the model names. */
export const STREAMING_SESSION_STREAM_STATUS_CODES = [
  'STREAM_CREATE_IN_PROGRESS',
  'STREAM_READY',
  'STREAM_DELETE_IN_PROGRESS',
  'STREAM_DELETED',
  'INTERNAL_ERROR',
  'NETWORK_CONNECTION_ERROR',
] as const;
export type StreamingSessionStreamStatusCode = (typeof STREAMING_SESSION_STREAM_STATUS_CODES)[number];

/** The status codes a failed stream create ends with: the two error codes of the model's enum. */
export const STREAM_CREATE_FAILURE_STATUS_CODES = [
  'NETWORK_CONNECTION_ERROR',
  'INTERNAL_ERROR',
] as const satisfies readonly StreamingSessionStreamStatusCode[];
export type StreamCreateFailureStatusCode = (typeof STREAM_CREATE_FAILURE_STATUS_CODES)[number];

/**
 * `expirationInSeconds` is bounded by the model (`StreamingSessionStreamExpirationInSeconds`, 60–3600)
 * but has no default there: 120 seconds is this project's choice (reference §9.1), long enough for the
 * portal to hand the URL to a DCV client, short enough that an unused URL does not linger. The per-session
 * limit of live streams is not documented either: 5 by default, overridden per studio in the seed.
 */
export const STREAM_LIMITS = {
  defaultExpirationInSeconds: 120,
  minExpirationInSeconds: 60,
  maxExpirationInSeconds: 3600,
  defaultMaxLiveStreamsPerSession: 5,
} as const;

/** The name a breach of the live-stream limit carries in `context.quotaName`. */
export const LIVE_STREAMS_QUOTA_NAME = 'Live streams per streaming session';

/** Why a stream ended: its `expiresAt` passed, or its session left READY (the instance it reaches is gone). */
export const STREAM_END_REASONS = ['EXPIRED', 'SESSION_LEFT_READY'] as const;
export type StreamEndReason = (typeof STREAM_END_REASONS)[number];

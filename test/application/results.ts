import type { Result } from 'neverthrow';
import type { ApiError, StreamingSessionView } from 'nimble-streaming-sessions';

/** The session of a successful Result; fails the test with the error otherwise. */
export function sessionOf(result: Result<StreamingSessionView, ApiError>): StreamingSessionView {
  if (result.isErr()) throw new Error(`Expected a session, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error of a failed Result; fails the test with the session otherwise. */
export function errorOf(result: Result<StreamingSessionView, ApiError>): ApiError {
  if (result.isOk()) throw new Error(`Expected an error, got session ${result.value.sessionId}`);
  return result.error;
}

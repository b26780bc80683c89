import { formatTimestamp } from '../streaming-session/view.js';
import type { ExistingStream } from './state.js';
import type { StreamingSessionStreamStateName, StreamingSessionStreamStatusCode } from './values.js';

/**
 * The API's `StreamingSessionStream` record, as it goes on the wire: exactly the model's members, no
 * session id and no ARN (the model gives a stream neither), timestamps as ISO-8601 strings.
 */
export interface StreamingSessionStreamView {
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string;
  readonly ownedBy: string;
  readonly state: StreamingSessionStreamStateName;
  readonly statusCode: StreamingSessionStreamStatusCode;
  readonly streamId: string;
  /** Only while READY: the URL is a credential to the workstation, and useless once the stream ended. */
  readonly url?: string;
}

/** The API record for a stream state, timestamps in whole seconds as the session's record has them. */
export function toStreamingSessionStreamView(state: ExistingStream): StreamingSessionStreamView {
  const s = state.stream;
  return {
    createdAt: formatTimestamp(s.createdAt),
    createdBy: s.createdBy,
    expiresAt: formatTimestamp(s.expiresAt),
    ownedBy: s.ownedBy,
    state: state.state,
    statusCode: state.statusCode,
    streamId: s.streamId,
    ...(state.state === 'READY' ? { url: state.connection.url } : {}),
  };
}

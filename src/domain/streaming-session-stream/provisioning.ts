import { err, ok, type Result } from 'neverthrow';
import { conflict, validationError, type DomainError } from '../errors.js';
import { formatTimestamp } from '../streaming-session/view.js';
import type { CreateStreamingSessionStream, FailStreamCreate, RecordStreamConnected } from './commands.js';
import { decideCreateStream } from './create.js';
import type { StreamingSessionStreamEvent } from './events.js';
import { hasExpired, invalidStreamTransition, streamAt } from './rules.js';
import type { StreamCreateInProgress, StreamingSessionStreamState } from './state.js';

type Decision = Result<readonly StreamingSessionStreamEvent[], DomainError>;

const NOTHING: Decision = ok([]);

/**
 * CreateStreamingSessionStream. On a stream that exists, the client token decides, as for a session's
 * create (reference §7): the same token with the same fingerprint is a retry of the request that made it
 * (nothing to do: the caller is answered with the stream as it is now); the same token with another
 * fingerprint is `IDEMPOTENT_PARAMETER_MISMATCH`; anything else is a conflict on the id.
 */
export function decideCreateStreamCommand(
  command: CreateStreamingSessionStream,
  state: StreamingSessionStreamState,
): Decision {
  if (state.state === 'NOT_REQUESTED') return decideCreateStream(command);
  const { clientToken, fingerprint, streamId } = state.stream;
  if (command.clientToken !== undefined && command.clientToken === clientToken) {
    if (command.fingerprint === fingerprint) return NOTHING;
    return err(
      validationError(
        'IDEMPOTENT_PARAMETER_MISMATCH',
        'The client token was already used with different parameters.',
        { clientToken },
      ),
    );
  }
  return err(
    conflict('STREAM_ALREADY_EXISTS', `The stream ${streamId} already exists.`, { resourceId: streamId }),
  );
}

/**
 * A connection that comes at or after `expiresAt` is too late: the URL would be handed out for a stream
 * that has already expired, so the stream fails to be created instead of becoming READY for no time.
 */
function lateConnection(command: RecordStreamConnected, state: StreamCreateInProgress): Decision {
  const { streamId, sessionId, expiresAt } = state.stream;
  const failedAt = streamAt(command.now, state);
  return ok([
    {
      type: 'StreamCreateFailed',
      version: 1,
      data: {
        streamId,
        sessionId,
        statusCode: 'NETWORK_CONNECTION_ERROR',
        statusMessage: `The stream connected at ${formatTimestamp(failedAt)}, after it expired at ${formatTimestamp(expiresAt)}.`,
        failedAt,
      },
    },
  ]);
}

/**
 * The provisioner's URL: CREATE_IN_PROGRESS → READY, before `expiresAt` (see `lateConnection` after it).
 * The same URL again on a stream that connected is a retry, whatever happened since: nothing to do;
 * another URL is a conflict. A stream that ended before it connected (failed, expired, its session gone)
 * stays CREATE_FAILED: the connection raced the end and lost, and a retry must not loop on an error.
 */
export function decideRecordStreamConnected(
  command: RecordStreamConnected,
  state: StreamingSessionStreamState,
): Decision {
  switch (state.state) {
    case 'NOT_REQUESTED':
      return err(invalidStreamTransition(command, state));
    case 'CREATE_FAILED':
      return NOTHING;
    case 'READY':
    case 'DELETED':
      if (state.connection.url === command.url) return NOTHING;
      return err(
        conflict('STREAM_ALREADY_CONNECTED', `The stream ${state.stream.streamId} is already connected.`, {
          resourceId: state.stream.streamId,
        }),
      );
    case 'CREATE_IN_PROGRESS': {
      if (command.url.trim() === '') {
        return err(
          validationError('INVALID_STREAM_URL', 'A stream connects with a URL; got an empty one.', {
            field: 'url',
          }),
        );
      }
      const connectedAt = streamAt(command.now, state);
      if (hasExpired(connectedAt, state)) return lateConnection(command, state);
      const { streamId, sessionId } = state.stream;
      return ok([
        { type: 'StreamConnected', version: 1, data: { streamId, sessionId, url: command.url, connectedAt } },
      ]);
    }
  }
}

/**
 * The provisioner could not connect the stream: CREATE_FAILED (once; a failed stream again decides
 * nothing). A stream that connected cannot fail to be created afterwards.
 */
export function decideFailStreamCreate(
  command: FailStreamCreate,
  state: StreamingSessionStreamState,
): Decision {
  if (state.state === 'CREATE_FAILED') return NOTHING;
  if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidStreamTransition(command, state));
  const { streamId, sessionId } = state.stream;
  const { statusCode, statusMessage } = command;
  return ok([
    {
      type: 'StreamCreateFailed',
      version: 1,
      data: { streamId, sessionId, statusCode, statusMessage, failedAt: streamAt(command.now, state) },
    },
  ]);
}

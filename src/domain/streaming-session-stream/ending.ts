import { err, ok, type Result } from 'neverthrow';
import { validationError, type DomainError } from '../errors.js';
import { formatTimestamp } from '../streaming-session/view.js';
import type { EndStream } from './commands.js';
import type { StreamDeleted, StreamingSessionStreamEvent } from './events.js';
import { hasExpired, invalidStreamTransition, streamAt } from './rules.js';
import type { ExistingStream, StreamingSessionStreamState } from './state.js';

type Decision = Result<readonly StreamingSessionStreamEvent[], DomainError>;

/** The code of an expiry asked for before `expiresAt`: the application reschedules it for then. */
export const STREAM_NOT_EXPIRED = 'STREAM_NOT_EXPIRED';

/** The code of an end because the session left READY, asked for while the facts say it is READY. */
export const SESSION_STILL_READY = 'SESSION_STILL_READY';

/**
 * The command's reason must hold: an expiry needs `expiresAt` to have passed (a schedule entry that fires
 * early is refused, with `expiresAt` in the context to reschedule on), and an end for the session needs
 * the session to be out of READY.
 */
function checkReason(command: EndStream, state: ExistingStream, at: number): Result<void, DomainError> {
  const { streamId, expiresAt } = state.stream;
  if (command.reason === 'EXPIRED') {
    if (hasExpired(at, state)) return ok(undefined);
    return err(
      validationError(
        STREAM_NOT_EXPIRED,
        `The stream ${streamId} expires at ${formatTimestamp(expiresAt)}.`,
        {
          resourceId: streamId,
          expiresAt: formatTimestamp(expiresAt),
        },
      ),
    );
  }
  if (command.sessionState !== 'READY') return ok(undefined);
  return err(
    validationError(SESSION_STILL_READY, `The session of the stream ${streamId} is still READY.`, {
      resourceId: streamId,
      sessionId: state.stream.sessionId,
    }),
  );
}

function why(command: EndStream): string {
  return command.reason === 'EXPIRED'
    ? 'The stream expired before it connected.'
    : `The streaming session left READY (${command.sessionState}) before the stream connected.`;
}

/**
 * Ends a live stream. A READY stream becomes DELETED. A stream still CREATE_IN_PROGRESS becomes
 * CREATE_FAILED with NETWORK_CONNECTION_ERROR, not DELETED: it never had a connection to delete, and the
 * `StreamingSessionStreamReady` waiter fails at once on CREATE_FAILED but has no acceptor for DELETED, so a
 * client waiting for it would otherwise poll until its attempts ran out. A stream that has already ended
 * (either way) decides nothing, whatever the reason, so a repeated or racing end is harmless.
 */
export function decideEndStream(command: EndStream, state: StreamingSessionStreamState): Decision {
  if (state.state === 'NOT_REQUESTED') return err(invalidStreamTransition(command, state));
  if (state.state === 'CREATE_FAILED' || state.state === 'DELETED') return ok([]);
  const at = streamAt(command.now, state);
  return checkReason(command, state, at).map((): readonly StreamingSessionStreamEvent[] => {
    const { streamId, sessionId } = state.stream;
    if (state.state === 'CREATE_IN_PROGRESS') {
      return [
        {
          type: 'StreamCreateFailed',
          version: 1,
          data: {
            streamId,
            sessionId,
            statusCode: 'NETWORK_CONNECTION_ERROR',
            statusMessage: why(command),
            failedAt: at,
          },
        },
      ];
    }
    const ending: StreamDeleted['data'] =
      command.reason === 'EXPIRED'
        ? { streamId, sessionId, deletedAt: at, reason: 'EXPIRED' }
        : {
            streamId,
            sessionId,
            deletedAt: at,
            reason: 'SESSION_LEFT_READY',
            sessionState: command.sessionState,
          };
    return [{ type: 'StreamDeleted', version: 1, data: ending }];
  });
}

/**
 * The CreateStreamingSessionStream decision (reference §9.1). The rules run in this order, and the first
 * broken one is the answer:
 *
 * 1. Standing in the studio (§4.2, step 0): no standing is `AccessDeniedException`
 *    `NOT_AUTHORIZED_IN_STUDIO` whatever exists, carrying only the ids the caller sent.
 * 2. The session exists in the studio: otherwise `ResourceNotFoundException` for `streaming session`.
 * 3. The caller is the session's owner, a studio administrator or IAM: otherwise `AccessDeniedException`
 *    `NOT_SESSION_OWNER` (steps 1–3 are `checkStreamAccess`, which Get shares).
 * 4. `expirationInSeconds`, when given, is a whole number in 60–3600: otherwise `ValidationException`
 *    `INVALID_EXPIRATION`. The application's schema checks it too, but the decider does not rely on its
 *    input having passed one; the check comes after the access rules so that a caller who may not act on
 *    the session is told nothing but that, whatever it sends. Absent, the stream expires after 120 s.
 * 5. The session is READY: another `*_IN_PROGRESS` state is `ConflictException`
 *    `ANOTHER_OPERATION_IN_PROGRESS`, any other state (DELETED included) `ValidationException`
 *    `INVALID_SESSION_STATE`, worded as the session's own wrong-state answers.
 * 6. The session has fewer live streams than the studio's limit: otherwise
 *    `ServiceQuotaExceededException` with `quotaName`, `limit` and `current` in its context.
 *
 * Then `StreamRequested`: created now, owned by the session's owner, expiring `expirationInSeconds` later.
 */
import { err, ok, type Result } from 'neverthrow';
import { conflict, quotaExceeded, validationError, type DomainError } from '../errors.js';
import type { ExistingSession } from '../streaming-session/state.js';
import { toWholeSeconds } from '../values.js';
import { checkStreamAccess } from './access.js';
import type { CreateStreamingSessionStream, CreateStreamingSessionStreamRequest } from './commands.js';
import type { StreamRequested } from './events.js';
import { LIVE_STREAMS_QUOTA_NAME, STREAM_LIMITS } from './values.js';

const OPERATION = 'CreateStreamingSessionStream';

/** Step 4: the expiration the stream gets, in seconds: the request's when valid, the default when absent. */
export function resolveExpirationInSeconds(
  request: Pick<CreateStreamingSessionStreamRequest, 'expirationInSeconds'>,
): Result<number, DomainError> {
  const { expirationInSeconds } = request;
  if (expirationInSeconds === undefined) return ok(STREAM_LIMITS.defaultExpirationInSeconds);
  if (
    !Number.isInteger(expirationInSeconds) ||
    expirationInSeconds < STREAM_LIMITS.minExpirationInSeconds ||
    expirationInSeconds > STREAM_LIMITS.maxExpirationInSeconds
  ) {
    const { minExpirationInSeconds: min, maxExpirationInSeconds: max } = STREAM_LIMITS;
    return err(
      validationError(
        'INVALID_EXPIRATION',
        `expirationInSeconds must be a whole number from ${min} to ${max}; got ${String(expirationInSeconds)}.`,
        { field: 'expirationInSeconds', min: String(min), max: String(max) },
      ),
    );
  }
  return ok(expirationInSeconds);
}

/** Step 5: streams reach a running instance, so only a READY session has any. */
export function checkSessionReadyForStream(session: ExistingSession): Result<void, DomainError> {
  if (session.state === 'READY') return ok(undefined);
  const { sessionId } = session.session;
  const context = { resourceId: sessionId, state: session.state, operation: OPERATION };
  if (session.state.endsWith('_IN_PROGRESS')) {
    return err(
      conflict(
        'ANOTHER_OPERATION_IN_PROGRESS',
        `The session ${sessionId} is ${session.state}: another operation is in progress.`,
        context,
      ),
    );
  }
  return err(
    validationError(
      'INVALID_SESSION_STATE',
      `${OPERATION} is not possible while the session ${sessionId} is ${session.state}.`,
      context,
    ),
  );
}

/** Step 6: the session's live streams stay within the studio's limit. */
export function checkLiveStreamLimit(
  facts: Pick<CreateStreamingSessionStream['facts'], 'liveStreams' | 'maxLiveStreamsPerSession'>,
): Result<void, DomainError> {
  const { liveStreams: current, maxLiveStreamsPerSession: limit } = facts;
  if (current < limit) return ok(undefined);
  return err(
    quotaExceeded(
      'SERVICE_QUOTA_EXCEEDED',
      `The quota "${LIVE_STREAMS_QUOTA_NAME}" (${String(limit)}) is reached: ${String(current)} in use.`,
      { quotaName: LIVE_STREAMS_QUOTA_NAME, limit: String(limit), current: String(current) },
    ),
  );
}

/** Steps 1–6 in order, then the stream's first event. */
export function decideCreateStream(
  command: CreateStreamingSessionStream,
): Result<readonly [StreamRequested], DomainError> {
  const { caller, request, facts } = command;
  return checkStreamAccess(OPERATION, caller, request, facts).andThen((session) =>
    resolveExpirationInSeconds(request).andThen((expirationInSeconds) =>
      checkSessionReadyForStream(session)
        .andThen(() => checkLiveStreamLimit(facts))
        .map(() => {
          const createdAt = toWholeSeconds(command.now);
          const event: StreamRequested = {
            type: 'StreamRequested',
            version: 1,
            data: {
              streamId: command.streamId,
              sessionId: session.session.sessionId,
              studioId: session.session.studioId,
              createdAt,
              createdBy: caller.principalId,
              ownedBy: session.session.ownedBy,
              expiresAt: createdAt + expirationInSeconds * 1000,
              ...(command.clientToken === undefined ? {} : { clientToken: command.clientToken }),
              ...(command.fingerprint === undefined ? {} : { fingerprint: command.fingerprint }),
            },
          };
          return [event] as const;
        }),
    ),
  );
}

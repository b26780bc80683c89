/**
 * Who may create and read a session's streams (reference §9.1, with §4.2's standing first): the session's
 * owner, a studio administrator or an IAM principal. The checks run in this order, and the first broken
 * one is the answer:
 *
 * 1. Standing in the studio. A caller who is not an IAM principal, not an administrator of the studio and
 *    not a member of any of its launch profiles gets `AccessDeniedException` whether or not the studio and
 *    the session exist; the error carries only the ids the caller sent.
 * 2. The session exists in this studio: otherwise 404 for `streaming session`, as the session operations
 *    answer (a session of another studio is not found either).
 * 3. The caller is the session's owner, an administrator or IAM: otherwise `AccessDeniedException`
 *    `NOT_SESSION_OWNER`. Only a caller with standing learns that the session exists.
 *
 * A Get then needs the stream to exist on that session (404 for `streaming session stream`).
 */
import { err, ok, type Result } from 'neverthrow';
import { accessDenied, resourceNotFound, type DomainError } from '../errors.js';
import type { Caller } from '../streaming-session/commands.js';
import type { ExistingSession } from '../streaming-session/state.js';
import type { ExistingStream } from './state.js';

/** The stream operations of the API. */
export type StreamOperation = 'CreateStreamingSessionStream' | 'GetStreamingSessionStream';

/** The ids a stream request names in its path. */
export interface SessionPath {
  readonly studioId: string;
  readonly sessionId: string;
}

/** The facts about the caller and the session that access is decided on. */
export interface StreamAccessFacts {
  readonly session: ExistingSession | undefined;
  readonly callerIsStudioAdmin: boolean;
  /** A member of any of the studio's launch profiles; IAM callers and administrators have standing anyway. */
  readonly callerHasStandingInStudio: boolean;
}

function mayAdminister(caller: Caller, facts: StreamAccessFacts): boolean {
  return caller.kind === 'IAM' || facts.callerIsStudioAdmin;
}

/** Step 1: standing in the studio, decided before anything about the studio or the session is read. */
export function checkStreamStanding(
  operation: StreamOperation,
  caller: Caller,
  path: SessionPath,
  facts: StreamAccessFacts,
): Result<void, DomainError> {
  if (mayAdminister(caller, facts) || facts.callerHasStandingInStudio) return ok(undefined);
  return err(
    accessDenied(
      'NOT_AUTHORIZED_IN_STUDIO',
      `The caller may not call ${operation} in the studio ${path.studioId}.`,
      { principalId: caller.principalId, studioId: path.studioId, sessionId: path.sessionId, operation },
    ),
  );
}

/** Steps 2 and 3: the session exists in the studio, and the caller may act on its streams. */
function checkSessionAndAuthority(
  operation: StreamOperation,
  caller: Caller,
  path: SessionPath,
  facts: StreamAccessFacts,
): Result<ExistingSession, DomainError> {
  const { session } = facts;
  if (session?.session.sessionId !== path.sessionId || session.session.studioId !== path.studioId) {
    return err(resourceNotFound('streaming session', path.sessionId));
  }
  if (mayAdminister(caller, facts) || caller.principalId === session.session.ownedBy) return ok(session);
  return err(
    accessDenied(
      'NOT_SESSION_OWNER',
      `Only the session's owner or a studio administrator may call ${operation} on it.`,
      { principalId: caller.principalId, sessionId: path.sessionId, operation },
    ),
  );
}

/** Steps 1–3 in order: the session the caller may act on, or the first broken rule. */
export function checkStreamAccess(
  operation: StreamOperation,
  caller: Caller,
  path: SessionPath,
  facts: StreamAccessFacts,
): Result<ExistingSession, DomainError> {
  return checkStreamStanding(operation, caller, path, facts).andThen(() =>
    checkSessionAndAuthority(operation, caller, path, facts),
  );
}

/** The path of a GetStreamingSessionStream request. */
export interface GetStreamingSessionStreamRequest extends SessionPath {
  readonly streamId: string;
}

/**
 * GetStreamingSessionStream: the access rules, then the stream, which must belong to that session (the
 * id of another session's stream is not found).
 */
export function checkStreamRead(
  caller: Caller,
  request: GetStreamingSessionStreamRequest,
  facts: StreamAccessFacts & { readonly stream: ExistingStream | undefined },
): Result<ExistingStream, DomainError> {
  return checkStreamAccess('GetStreamingSessionStream', caller, request, facts).andThen(() => {
    const { stream } = facts;
    if (
      stream?.stream.streamId !== request.streamId ||
      stream.stream.sessionId !== request.sessionId ||
      stream.stream.studioId !== request.studioId
    ) {
      return err(resourceNotFound('streaming session stream', request.streamId));
    }
    return ok(stream);
  });
}

import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  internalError,
  resourceNotFound,
  toStreamingSessionView,
  validationError,
  type ApiError,
  type StreamingSessionView,
} from '../domain/index.js';
import type { ServiceConfig } from './config.js';
import type { Clock } from './ports/clock.js';
import type { ClientTokenKey, ClientTokenRecord, EventStore } from './ports/event-store.js';
import type { SessionViews } from './ports/session-views.js';
import { sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/**
 * Client-token idempotency (reference §7), for every operation that takes a token: tokens are scoped to
 * (studio, operation); a record keeps the request's fingerprint and the session it acted on for
 * `clientTokenTtlMs` after the first success; a repeat with the same fingerprint answers the session's
 * current view, one with another fingerprint is a ValidationException.
 */
@injectable()
export class ClientTokens {
  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  /** The token's key, or undefined when the request has no token (then nothing is de-duplicated). */
  keyOf(studioId: string, operation: string, clientToken: string | undefined): ClientTokenKey | undefined {
    return clientToken === undefined ? undefined : { studioId, operation, clientToken };
  }

  /** The record a successful request commits with its events. */
  record(key: ClientTokenKey, fingerprint: string, sessionId: string, now: number): ClientTokenRecord {
    return { ...key, fingerprint, sessionId, expiresAt: now + this.config.clientTokenTtlMs };
  }

  /** The unexpired record holding the token, if any. */
  find(key: ClientTokenKey | undefined): Promise<ClientTokenRecord | undefined> {
    return key === undefined ? Promise.resolve(undefined) : this.store.findClientToken(key, this.clock.now());
  }

  /** The answer to a repeated token: the session's current view, or why the repeat does not match. */
  async replay(
    record: ClientTokenRecord,
    fingerprint: string,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    if (record.fingerprint !== fingerprint) {
      return err(
        validationError(
          'IDEMPOTENT_PARAMETER_MISMATCH',
          'The client token was already used with different parameters.',
          { clientToken: record.clientToken },
        ),
      );
    }
    const row = await this.views.get(record.studioId, record.sessionId);
    if (row !== undefined) return ok(toStreamingSessionView(row.session, this.config.arn));
    // Purged after its retention as a DELETED session: gone, as for any other caller. Otherwise the view
    // lags behind the log (a read replica, say): a retryable error, never a second session.
    const stream = await this.store.read(sessionStreamId(record.studioId, record.sessionId));
    if (stream.events.some((e) => e.type === 'SessionDeleted')) {
      return err(resourceNotFound('streaming session', record.sessionId));
    }
    return err(
      internalError('SESSION_VIEW_MISSING', 'The session of this client token is not readable.', {
        sessionId: record.sessionId,
      }),
    );
  }
}

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
import type { EntityKind, EntityRef } from './ports/entities.js';
import type { ClientTokenKey, ClientTokenRecord, EventStore } from './ports/event-store.js';
import type { SessionViews } from './ports/session-views.js';
import { sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/** What a repeated request is answered with, per kind of entity: the entity's current API view. */
export interface EntityReplays {
  readonly session: StreamingSessionView;
}

/** How a repeat finds the current view of the entity its token's record names. */
export type EntityReplayer<K extends EntityKind> = (
  studioId: string,
  id: string,
) => Promise<Result<EntityReplays[K], ApiError>>;

/** One replayer per kind of entity: a kind added to `ENTITY_KINDS` is not complete until it has one. */
export type EntityReplayers = { readonly [K in EntityKind]: EntityReplayer<K> };

/**
 * The session's replayer: its view row; a session purged after its retention as DELETED is gone, as for
 * any other caller; otherwise the view lags behind the log (a read replica, say): a retryable error,
 * never a second session.
 */
export function sessionReplayer(
  views: SessionViews,
  store: EventStore,
  config: ServiceConfig,
): EntityReplayer<'session'> {
  return async (studioId, sessionId) => {
    const row = await views.get(studioId, sessionId);
    if (row !== undefined) return ok(toStreamingSessionView(row.session, config.arn));
    const stream = await store.read(sessionStreamId(studioId, sessionId));
    if (stream.events.some((e) => e.type === 'SessionDeleted')) {
      return err(resourceNotFound('streaming session', sessionId));
    }
    return err(
      internalError('SESSION_VIEW_MISSING', 'The session of this client token is not readable.', {
        sessionId,
      }),
    );
  };
}

/**
 * Client-token idempotency (reference §7), for every operation that takes a token: tokens are scoped to
 * (studio, operation); a record keeps the request's fingerprint and the entity it acted on for
 * `clientTokenTtlMs` after the first success; a repeat with the same fingerprint answers the entity's
 * current view (through its kind's replayer), one with another fingerprint is a ValidationException.
 */
@injectable()
export class ClientTokens {
  private readonly replayers: EntityReplayers;

  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.SessionViews) views: SessionViews,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {
    this.replayers = { session: sessionReplayer(views, store, config) };
  }

  /** The token's key, or undefined when the request has no token (then nothing is de-duplicated). */
  keyOf(studioId: string, operation: string, clientToken: string | undefined): ClientTokenKey | undefined {
    return clientToken === undefined ? undefined : { studioId, operation, clientToken };
  }

  /** The record a successful request commits with its events. */
  record(key: ClientTokenKey, fingerprint: string, entity: EntityRef, now: number): ClientTokenRecord {
    return {
      ...key,
      fingerprint,
      entity: { kind: entity.kind, id: entity.id },
      expiresAt: now + this.config.clientTokenTtlMs,
    };
  }

  /** The unexpired record holding the token, if any. */
  find(key: ClientTokenKey | undefined): Promise<ClientTokenRecord | undefined> {
    return key === undefined ? Promise.resolve(undefined) : this.store.findClientToken(key, this.clock.now());
  }

  /**
   * The answer to a repeated token of an operation on entities of `kind`: the entity's current view, or
   * why the repeat does not match.
   */
  async replay<K extends EntityKind>(
    record: ClientTokenRecord,
    fingerprint: string,
    kind: K,
  ): Promise<Result<EntityReplays[K], ApiError>> {
    if (record.fingerprint !== fingerprint) {
      return err(
        validationError(
          'IDEMPOTENT_PARAMETER_MISMATCH',
          'The client token was already used with different parameters.',
          { clientToken: record.clientToken },
        ),
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- one kind today, more to come
    if (record.entity.kind !== kind) {
      return err(
        internalError('CLIENT_TOKEN_ENTITY_MISMATCH', 'The client token names an entity of another kind.', {
          clientToken: record.clientToken,
        }),
      );
    }
    const replayer: EntityReplayer<K> = this.replayers[kind];
    return replayer(record.studioId, record.entity.id);
  }
}

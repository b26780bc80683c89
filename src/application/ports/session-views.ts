import type { ExistingSession, StreamingSessionStateName } from '../../domain/index.js';

/** A session as the view stores it, with the stream version it reflects. */
export interface SessionViewRow {
  readonly version: number;
  readonly session: ExistingSession;
}

/** Filters of ListStreamingSessions; all match exactly. */
export interface SessionListQuery {
  readonly createdBy?: string;
  readonly ownedBy?: string;
  readonly sessionIds?: readonly string[];
  /** Restricts to sessions this principal created or owns (non-admin studio users, reference §8.10). */
  readonly visibleTo?: string;
  /** Resume after this (createdAt, sessionId) pair: results are ordered by createdAt, then sessionId. */
  readonly after?: { readonly createdAt: number; readonly sessionId: string };
  readonly limit: number;
}

/**
 * The sessions read model, kept in step with the events by the same commit that appends them. Get and
 * List read here, never by replaying the log.
 */
export interface SessionViews {
  /** One session of a studio, or undefined when the studio has no such session. */
  get(studioId: string, sessionId: string): Promise<SessionViewRow | undefined>;

  /** A page of a studio's sessions, ordered by createdAt then sessionId. */
  list(studioId: string, query: SessionListQuery): Promise<readonly SessionViewRow[]>;

  /** Sessions still in CREATE_IN_PROGRESS, for diagnostics and recovery checks. */
  countInProgress(): Promise<number>;

  /**
   * How many sessions the view holds in each state (states without sessions may be left out), for
   * operators' metrics. Costs one pass over the view: callers should not run it per request.
   */
  countByState(): Promise<Readonly<Partial<Record<StreamingSessionStateName, number>>>>;
}

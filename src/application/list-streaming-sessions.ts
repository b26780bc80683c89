import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  resourceNotFound,
  toStreamingSessionView,
  validationError,
  type ApiError,
  type Caller,
  type StreamingSessionView,
} from '../domain/index.js';
import type { ServiceConfig } from './config.js';
import { withoutNulls } from './create-streaming-session.js';
import { decodeNextToken, encodeNextToken, type ListQueryFilters } from './list-cursor.js';
import type { Catalog } from './ports/catalog.js';
import type { SessionListQuery, SessionViews } from './ports/session-views.js';
import { TOKENS } from './tokens.js';
import {
  MAX_LIST_SESSION_IDS,
  validateListStreamingSessionsInput,
  type ListStreamingSessionsInput,
} from './validation/requests.js';

/** One page of ListStreamingSessions; `nextToken` is there when more sessions may follow. */
export interface ListStreamingSessionsOutput {
  readonly sessions: readonly StreamingSessionView[];
  readonly nextToken?: string;
}

/** The `sessionIds` member (one comma-separated string in the model) as a list: trimmed, no empties, no repeats. */
export function parseSessionIds(sessionIds: string): Result<readonly string[], ApiError> {
  const ids = [
    ...new Set(
      sessionIds
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
  if (ids.length <= MAX_LIST_SESSION_IDS) return ok(ids);
  return err(
    validationError(
      'TOO_MANY_SESSION_IDS',
      `sessionIds names ${ids.length} sessions; at most ${MAX_LIST_SESSION_IDS} are allowed.`,
      { field: 'sessionIds', count: String(ids.length), limit: String(MAX_LIST_SESSION_IDS) },
    ),
  );
}

/** The filters a query selects by, as the nextToken digests them. */
function filtersOf(input: ListStreamingSessionsInput, sessionIds?: readonly string[]): ListQueryFilters {
  return {
    studioId: input.studioId,
    ...(input.createdBy === undefined ? {} : { createdBy: input.createdBy }),
    ...(input.ownedBy === undefined ? {} : { ownedBy: input.ownedBy }),
    ...(sessionIds === undefined ? {} : { sessionIds }),
  };
}

/**
 * ListStreamingSessions (reference §8.10): a studio's sessions in every state, DELETED ones included until
 * they are purged, ordered by createdAt then sessionId, a page of `config.listPageSize` at a time, read
 * from the sessions view. Filters match exactly. A studio user who is not an administrator sees only the
 * sessions they created or own; administrators and IAM principals see all of them.
 */
@injectable()
export class ListStreamingSessionsHandler {
  constructor(
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(TOKENS.Catalog) private readonly catalog: Catalog,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  /** One page of the studio's sessions the caller may see, or why not. */
  async handle(rawInput: unknown, caller: Caller): Promise<Result<ListStreamingSessionsOutput, ApiError>> {
    const parsed = validateListStreamingSessionsInput(withoutNulls(rawInput));
    if (parsed.isErr()) return err(parsed.error);
    const input = parsed.value;
    const sessionIds = input.sessionIds === undefined ? ok(undefined) : parseSessionIds(input.sessionIds);
    if (sessionIds.isErr()) return err(sessionIds.error);
    const filters = filtersOf(input, sessionIds.value);
    // An empty token is no token, as the SDKs treat empty strings (the first page).
    const token = input.nextToken === undefined || input.nextToken === '' ? undefined : input.nextToken;
    const after = token === undefined ? ok(undefined) : decodeNextToken(token, filters);
    if (after.isErr()) return err(after.error);

    if ((await this.catalog.getStudio(input.studioId)) === undefined) {
      return err(resourceNotFound('studio', input.studioId));
    }
    // A sessionIds filter that names no session selects none (rather than every session).
    if (filters.sessionIds?.length === 0) return ok({ sessions: [] });

    const visibleTo = (await this.seesEverySession(input.studioId, caller)) ? undefined : caller.principalId;
    const pageSize = Math.max(1, Math.floor(this.config.listPageSize));
    const { studioId: _studioId, ...selectors } = filters;
    const query: SessionListQuery = {
      ...selectors,
      ...(visibleTo === undefined ? {} : { visibleTo }),
      ...(after.value === undefined ? {} : { after: after.value }),
      // One more than a page tells whether another page follows, so the last page carries no token.
      limit: pageSize + 1,
    };
    const rows = await this.views.list(input.studioId, query);
    const page = rows.slice(0, pageSize);
    const sessions = page.map((row) => toStreamingSessionView(row.session, this.config.arn));
    const last = page.at(-1)?.session.session;
    if (rows.length <= pageSize || last === undefined) return ok({ sessions });
    const nextToken = encodeNextToken({ createdAt: last.requestedAt, sessionId: last.sessionId }, filters);
    return ok({ sessions, nextToken });
  }

  private async seesEverySession(studioId: string, caller: Caller): Promise<boolean> {
    return caller.kind === 'IAM' || (await this.catalog.isStudioAdmin(studioId, caller.principalId));
  }
}

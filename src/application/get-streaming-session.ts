import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  accessDenied,
  resourceNotFound,
  toStreamingSessionView,
  type ApiError,
  type Caller,
  type ExistingSession,
  type StreamingSessionView,
} from '../domain/index.js';
import type { ServiceConfig } from './config.js';
import type { Catalog } from './ports/catalog.js';
import type { SessionViews } from './ports/session-views.js';
import { TOKENS } from './tokens.js';
import { withoutNulls } from './create-streaming-session.js';
import { validateGetStreamingSessionInput } from './validation/requests.js';

/**
 * Whether a caller may see a session: administrators and IAM principals see every session of the studio;
 * other studio users see the sessions they created or own (reference §4.6 and §8.10).
 */
export async function canSee(catalog: Catalog, caller: Caller, session: ExistingSession): Promise<boolean> {
  if (caller.kind === 'IAM') return true;
  const s = session.session;
  if (s.createdBy === caller.principalId || s.ownedBy === caller.principalId) return true;
  return catalog.isStudioAdmin(s.studioId, caller.principalId);
}

/** GetStreamingSession, read from the sessions view. A session of another studio is not found. */
@injectable()
export class GetStreamingSessionHandler {
  constructor(
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(TOKENS.Catalog) private readonly catalog: Catalog,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  /** The session's current view, or why not. */
  async handle(rawInput: unknown, caller: Caller): Promise<Result<StreamingSessionView, ApiError>> {
    const parsed = validateGetStreamingSessionInput(withoutNulls(rawInput));
    if (parsed.isErr()) return err(parsed.error);
    const { studioId, sessionId } = parsed.value;
    const row = await this.views.get(studioId, sessionId);
    if (row === undefined) return err(resourceNotFound('streaming session', sessionId));
    if (!(await canSee(this.catalog, caller, row.session))) {
      return err(
        accessDenied(
          'NOT_SESSION_OWNER',
          'Only the owner, the creator or a studio administrator may read this session.',
          {
            principalId: caller.principalId,
            sessionId,
          },
        ),
      );
    }
    return ok(toStreamingSessionView(row.session, this.config.arn));
  }
}

import type {
  SessionListQuery,
  SessionViewRow,
  SessionViews,
} from '../../application/ports/session-views.js';
import type { StreamingSessionStateName } from '../../domain/index.js';
import type { InMemoryDatabase } from './database.js';

function compare(a: SessionViewRow, b: SessionViewRow): number {
  const byTime = a.session.session.requestedAt - b.session.session.requestedAt;
  if (byTime !== 0) return byTime;
  return a.session.session.sessionId < b.session.session.sessionId ? -1 : 1;
}

/** The sessions view kept by the in-memory event store's commits. */
export class InMemorySessionViews implements SessionViews {
  constructor(private readonly db: InMemoryDatabase) {}

  get(studioId: string, sessionId: string): Promise<SessionViewRow | undefined> {
    return Promise.resolve(this.db.views.get(studioId)?.get(sessionId));
  }

  list(studioId: string, query: SessionListQuery): Promise<readonly SessionViewRow[]> {
    const ids = query.sessionIds === undefined ? undefined : new Set(query.sessionIds);
    const after = query.after;
    const rows = [...(this.db.views.get(studioId)?.values() ?? [])].filter(({ session: { session: s } }) => {
      if (query.createdBy !== undefined && s.createdBy !== query.createdBy) return false;
      if (query.ownedBy !== undefined && s.ownedBy !== query.ownedBy) return false;
      if (ids !== undefined && !ids.has(s.sessionId)) return false;
      if (query.visibleTo !== undefined && s.createdBy !== query.visibleTo && s.ownedBy !== query.visibleTo)
        return false;
      if (after !== undefined) {
        if (s.requestedAt < after.createdAt) return false;
        if (s.requestedAt === after.createdAt && s.sessionId <= after.sessionId) return false;
      }
      return true;
    });
    return Promise.resolve(rows.sort(compare).slice(0, query.limit));
  }

  countInProgress(): Promise<number> {
    let count = 0;
    for (const studio of this.db.views.values()) {
      for (const row of studio.values()) if (row.session.state === 'CREATE_IN_PROGRESS') count++;
    }
    return Promise.resolve(count);
  }

  countByState(): Promise<Partial<Record<StreamingSessionStateName, number>>> {
    const counts: Partial<Record<StreamingSessionStateName, number>> = {};
    for (const studio of this.db.views.values()) {
      for (const row of studio.values()) counts[row.session.state] = (counts[row.session.state] ?? 0) + 1;
    }
    return Promise.resolve(counts);
  }
}

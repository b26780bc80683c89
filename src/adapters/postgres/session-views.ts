import type {
  SessionListQuery,
  SessionViewRow,
  SessionViews,
} from '../../application/ports/session-views.js';
import { readStoredNumber, readStoredSession } from '../../application/stored-shapes.js';
import type { StreamingSessionStateName } from '../../domain/index.js';
import { decodeJson, decodeText, encodeText } from './codec.js';
import type { PostgresDatabase } from './database.js';

interface ViewRow {
  studio_id: string;
  session_id: string;
  version: string;
  session: string;
}

/** A row as this release reads it: its session checked against the stored shape, never cast. */
function toRow(db: PostgresDatabase, row: ViewRow): SessionViewRow {
  const at = {
    table: `${db.schema}.session_views`,
    key: `${decodeText(row.studio_id)}/${decodeText(row.session_id)}`,
  };
  return {
    version: readStoredNumber(row.version, at, 'version'),
    session: readStoredSession(decodeJson(row.session), at),
  };
}

/**
 * The sessions view on PostgreSQL: the `session_views` table that the event store's commit writes in the
 * same statement as the events. Lists use the (studio, createdAt, sessionId) index, so a page costs the
 * same however many sessions the studio has.
 */
export class PostgresSessionViews implements SessionViews {
  constructor(private readonly db: PostgresDatabase) {}

  async get(studioId: string, sessionId: string): Promise<SessionViewRow | undefined> {
    const { rows } = await this.db.query<ViewRow>(
      'view-get',
      `select studio_id, session_id, version, session::text as session from ${this.db.s}.session_views
       where studio_id = $1 and session_id = $2`,
      [encodeText(studioId), encodeText(sessionId)],
    );
    const row = rows[0];
    return row === undefined ? undefined : toRow(this.db, row);
  }

  async list(studioId: string, query: SessionListQuery): Promise<readonly SessionViewRow[]> {
    if (query.limit <= 0) return [];
    // One prepared statement for every combination of filters: a filter left null matches everything.
    const { rows } = await this.db.query<ViewRow>(
      'view-list',
      `select studio_id, session_id, version, session::text as session from ${this.db.s}.session_views
       where studio_id = $1
         and ($2::text is null or created_by = $2)
         and ($3::text is null or owned_by = $3)
         and ($4::text[] is null or session_id = any($4::text[]))
         and ($5::text is null or created_by = $5 or owned_by = $5)
         and ($6::float8 is null or (created_at, session_id) > ($6::float8, $7::text))
       order by created_at, session_id
       limit $8`,
      [
        encodeText(studioId),
        query.createdBy === undefined ? null : encodeText(query.createdBy),
        query.ownedBy === undefined ? null : encodeText(query.ownedBy),
        query.sessionIds === undefined ? null : query.sessionIds.map(encodeText),
        query.visibleTo === undefined ? null : encodeText(query.visibleTo),
        query.after?.createdAt ?? null,
        query.after === undefined ? null : encodeText(query.after.sessionId),
        Math.floor(query.limit),
      ],
    );
    return rows.map((row) => toRow(this.db, row));
  }

  async countInProgress(): Promise<number> {
    const { rows } = await this.db.query<{ count: string }>(
      'view-count-in-progress',
      `select count(*) as count from ${this.db.s}.session_views where state = 'CREATE_IN_PROGRESS'`,
      [],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async countByState(): Promise<Partial<Record<StreamingSessionStateName, number>>> {
    const { rows } = await this.db.query<{ state: StreamingSessionStateName; count: string }>(
      'view-count-by-state',
      `select state, count(*) as count from ${this.db.s}.session_views group by state`,
      [],
    );
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
  }
}

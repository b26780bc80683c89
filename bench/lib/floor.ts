/**
 * The same-writes SQL floor of a PostgreSQL create: one plain statement writing what the adapter's commit
 * writes (session stream, ledger with its snapshot, both events, client token, view row, job row) with
 * the payloads of a real create, and none of the checks. What the handler costs beyond it is the price of
 * its rules, its checks and its client-side work.
 */
import { randomUUID } from 'node:crypto';
import { studioId } from './fixtures.js';
import type { Pool } from './library.js';

/** What one create writes, captured from a real create, so the floor writes the same. */
export interface Template {
  readonly requested: string;
  readonly reserved: string;
  readonly ledger: string;
  readonly session: string;
  readonly sessionId: string;
}

/** Reads back what the create of `sessionId` (in studio 0) wrote. */
export async function captureTemplate(pool: Pool, schema: string, sessionId: string): Promise<Template> {
  const s = `"${schema}"`;
  const events = await pool.query<{ type: string; data: string }>(
    `select type, data::text as data from ${s}.events where stream_id = $1 or (type = 'SessionSlotReserved'
       and data->>'sessionId' = $2)`,
    [`StreamingSession:${studioId(0)}/${sessionId}`, sessionId],
  );
  const view = await pool.query<{ session: string }>(
    `select session::text as session from ${s}.session_views where session_id = $1`,
    [sessionId],
  );
  const ledger = await pool.query<{ snapshot: string }>(
    `select snapshot::text as snapshot from ${s}.streams where stream_id = $1`,
    [`QuotaLedger:${studioId(0)}`],
  );
  const data = (type: string) => events.rows.find((r) => r.type === type)?.data ?? '{}';
  return {
    requested: data('SessionRequested'),
    reserved: data('SessionSlotReserved'),
    ledger: ledger.rows[0]?.snapshot ?? '{}',
    session: view.rows[0]?.session ?? '{}',
    sessionId,
  };
}

/** The floor statement in schema `s` (quoted). */
export const floorSql = (s: string): string => `
with st as (insert into ${s}.streams (stream_id, studio_id, version) values ($1, $2, 1)),
  lg as (update ${s}.streams set version = version + 1, snapshot = $6::jsonb, snapshot_version = version + 1
         where stream_id = $3 and studio_id = $2 returning version),
  ev as (insert into ${s}.events
           (stream_id, version, studio_id, position, type, type_version, data, recorded_at, transaction_id)
         select $1, 1, $2, nextval('${s}.event_position'), 'SessionRequested', 1, $4::jsonb, now(), pg_current_xact_id()
         union all
         select $3, (select version from lg), $2, nextval('${s}.event_position'), 'SessionSlotReserved', 1, $5::jsonb,
                now(), pg_current_xact_id()),
  tk as (insert into ${s}.client_tokens
           (studio_id, operation, client_token, fingerprint, entity_kind, entity_id, expires_at)
         values ($2, 'CreateStreamingSession', $8, 'fingerprint', 'session', $9, 1e15)),
  vw as (insert into ${s}.session_views
           (studio_id, session_id, version, state, created_at, created_by, owned_by, session)
         values ($2, $9, 1, 'CREATE_IN_PROGRESS', 1.7e12, 'creator', 'owner', $7::jsonb))
insert into ${s}.jobs (studio_id, entity_kind, entity_id, kind, due_at) values ($2, 'session', $9, 'provision', 0)`;

const withSession = (template: string, from: string, to: string): string => template.split(from).join(to);

/** The floor as an operation: the n-th create's writes in studio n mod STUDIOS. */
export function floorOp(
  pool: Pool,
  schema: string,
  template: Template,
  studios: number,
): (n: number) => Promise<void> {
  const text = floorSql(`"${schema}"`);
  return async (n) => {
    const studio = studioId(n % studios);
    const sessionId = randomUUID();
    await pool.query({
      name: `bench-floor-${schema}`,
      text,
      values: [
        `StreamingSession:${studio}/${sessionId}`,
        studio,
        `QuotaLedger:${studio}`,
        withSession(template.requested, template.sessionId, sessionId),
        withSession(template.reserved, template.sessionId, sessionId),
        template.ledger,
        withSession(template.session, template.sessionId, sessionId),
        randomUUID(),
        sessionId,
      ],
    });
  };
}

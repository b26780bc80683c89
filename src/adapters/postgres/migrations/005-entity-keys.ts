import type { SchemaLocks } from './types.js';

/**
 * Jobs and client tokens name an entity (its kind and id) instead of a session, so that another
 * aggregate's jobs and tokens share these tables: `session_id` becomes `entity_id`, beside a new
 * `entity_kind`. Every row written before is a session's (the client-token sweep's row too, whose ids are
 * empty), so the column is added with the default `session`, which fills the existing rows in place
 * (a catalog-only change, no table rewrite), and the default is then dropped: every writer names the kind.
 * The jobs' key gains the kind; the client tokens' key stays their scope (studio, operation, token).
 */
export const entityKeys = (s: string): string => `
alter table ${s}.jobs rename column session_id to entity_id;
alter table ${s}.jobs add column entity_kind text collate "C" not null default 'session';
alter table ${s}.jobs alter column entity_kind drop default;
alter table ${s}.jobs drop constraint jobs_pkey;
alter table ${s}.jobs add constraint jobs_pkey primary key (studio_id, entity_kind, entity_id, kind);
comment on table ${s}.jobs is
  'Durable scheduled jobs: one per (entity, kind), claimable once due_at has passed.';
comment on column ${s}.jobs.entity_kind is
  'The kind of entity the job is for (session, ...); a job that is no entity''s has empty ids.';

alter table ${s}.client_tokens rename column session_id to entity_id;
alter table ${s}.client_tokens add column entity_kind text collate "C" not null default 'session';
alter table ${s}.client_tokens alter column entity_kind drop default;
comment on column ${s}.client_tokens.entity_kind is
  'The kind of entity the request acted on; a repeat answers with its current view.';
`;

/**
 * The commit, split: `commit_unit` is a dispatcher that calls one function per part of the unit, in the
 * order that 002 explains (the token first, the stream rows in key order, the events last behind the log
 * barrier) and with its conflict codes (NS001, NS002). It is still one call per unit, one round trip. A
 * later migration replaces only the part that changes: a new kind of view is a new `commit_views` and
 * `commit_purge` (their `case` on the entity kind gains a branch), and nothing else.
 *
 * The argument (event-store.ts builds it; the unit of work's own names):
 *
 * - `now`: epoch ms; `eventCount`: how many events the unit appends in all.
 * - `appends`: [{streamId, studioId, expect: 'noStream' | 'exact' | 'any', version (with 'exact'),
 *   eventCount, snapshot?}].
 * - `events`: flat, in the unit's order: [{append: the 1-based index of its append, following: how many
 *   events of that append come after it, streamId, studioId, type, version, data}].
 * - `views`: [{studioId, entity: {kind, id}, version, body}]: the body is the view of an entity of that
 *   kind (a session's is its state); each kind has its table (`session` → session_views).
 * - `clientToken`: {studioId, operation, clientToken, fingerprint, entity: {kind, id}, expiresAt}.
 * - `complete`: [{studioId, entity: {kind, id}, kind}], applied before `schedule`: [{studioId, entity,
 *   kind, dueAt}], which inserts a job or reschedules it (held by nobody, attempts back to 0).
 * - `purge`: [{studioId, entity: {kind, id}}]: view rows to remove.
 *
 * It returns each append's new version, in the order of `appends`. A view or purge of an entity kind with
 * no table raises NS003 (detail: the kind) before any event is written, so nothing of the unit is.
 */
export const splitCommitFunction = (s: string, locks: SchemaLocks): string => {
  const barrier = `${locks.logBarrier[0]}, ${locks.logBarrier[1]}`;
  return `
-- 1. The client token: taken, or replaced once expired; held by another record, NS002 with that record.
create or replace function ${s}.commit_token(u jsonb) returns void
language plpgsql as $fn$
declare
  token jsonb := u->'clientToken';
  existing jsonb;
begin
  if token is null then
    return;
  end if;
  insert into ${s}.client_tokens as ct
    (studio_id, operation, client_token, fingerprint, entity_kind, entity_id, expires_at)
  values (token->>'studioId', token->>'operation', token->>'clientToken', token->>'fingerprint',
          token->'entity'->>'kind', token->'entity'->>'id', (token->>'expiresAt')::double precision)
  on conflict (studio_id, operation, client_token) do update set
    fingerprint = excluded.fingerprint, entity_kind = excluded.entity_kind, entity_id = excluded.entity_id,
    expires_at = excluded.expires_at
  where ct.expires_at <= (u->>'now')::double precision;
  if not found then
    select jsonb_build_object('studioId', ct.studio_id, 'operation', ct.operation,
             'clientToken', ct.client_token, 'fingerprint', ct.fingerprint,
             'entity', jsonb_build_object('kind', ct.entity_kind, 'id', ct.entity_id),
             'expiresAt', ct.expires_at)
      into existing
    from ${s}.client_tokens ct
    where ct.studio_id = token->>'studioId' and ct.operation = token->>'operation'
      and ct.client_token = token->>'clientToken';
    raise exception using
      errcode = 'NS002', message = 'client token already used', detail = coalesce(existing::text, '{}');
  end if;
end
$fn$;

-- 2. The stream rows, in key order, each checked against its expectation (NS001); their new versions.
create or replace function ${s}.commit_appends(u jsonb) returns bigint[]
language plpgsql as $fn$
declare
  a record;
  n integer;
  new_version bigint;
  actual bigint;
  versions bigint[] := array_fill(null::bigint, array[jsonb_array_length(u->'appends')]);
begin
  for a in
    select x.value as j, x.ordinality::integer as i
    from jsonb_array_elements(u->'appends') with ordinality x
    order by x.value->>'streamId', x.value->>'studioId'
  loop
    n := (a.j->>'eventCount')::integer;
    if a.j->>'expect' = 'exact' then
      update ${s}.streams st set
        version = st.version + n,
        snapshot = case when a.j ? 'snapshot' then a.j->'snapshot' else st.snapshot end,
        snapshot_version = case when a.j ? 'snapshot' then st.version + n else st.snapshot_version end
      where st.stream_id = a.j->>'streamId' and st.studio_id = a.j->>'studioId'
        and st.version = (a.j->>'version')::bigint
      returning st.version into new_version;
    else
      insert into ${s}.streams as st (stream_id, studio_id, version, snapshot, snapshot_version)
      values (a.j->>'streamId', a.j->>'studioId', n, a.j->'snapshot',
              case when a.j ? 'snapshot' then n end)
      on conflict (stream_id, studio_id) do update set
        version = st.version + n,
        snapshot = case when a.j ? 'snapshot' then a.j->'snapshot' else st.snapshot end,
        snapshot_version = case when a.j ? 'snapshot' then st.version + n else st.snapshot_version end
      where a.j->>'expect' = 'any' or st.version = 0
      returning st.version into new_version;
    end if;
    if not found then
      select st.version into actual from ${s}.streams st
      where st.stream_id = a.j->>'streamId' and st.studio_id = a.j->>'studioId';
      raise exception using
        errcode = 'NS001',
        message = 'wrong expected version',
        detail = json_build_object('i', a.i, 'actual', coalesce(actual, 0))::text;
    end if;
    versions[a.i] := new_version;
  end loop;
  return versions;
end
$fn$;

-- 3. View rows removed, by entity kind (NS003 for a kind with no view).
create or replace function ${s}.commit_purge(u jsonb) returns void
language plpgsql as $fn$
declare
  unknown text;
begin
  if not u ? 'purge' then
    return;
  end if;
  select p->'entity'->>'kind' into unknown
  from jsonb_array_elements(u->'purge') x(p)
  where p->'entity'->>'kind' is distinct from 'session'
  limit 1;
  if found then
    raise exception using errcode = 'NS003', message = 'no view of this entity kind', detail = unknown;
  end if;
  delete from ${s}.session_views v
  using jsonb_array_elements(u->'purge') x(p)
  where p->'entity'->>'kind' = 'session'
    and v.studio_id = p->>'studioId' and v.session_id = p->'entity'->>'id';
end
$fn$;

-- 4. View rows written, each kind to its table, in key order (NS003 for a kind with no view).
create or replace function ${s}.commit_views(u jsonb) returns void
language plpgsql as $fn$
declare
  unknown text;
begin
  if not u ? 'views' then
    return;
  end if;
  select v->'entity'->>'kind' into unknown
  from jsonb_array_elements(u->'views') x(v)
  where v->'entity'->>'kind' is distinct from 'session'
  limit 1;
  if found then
    raise exception using errcode = 'NS003', message = 'no view of this entity kind', detail = unknown;
  end if;
  insert into ${s}.session_views as sv
    (studio_id, session_id, version, state, created_at, created_by, owned_by, session)
  select v->>'studioId', v->'entity'->>'id', (v->>'version')::bigint, v->'body'->>'state',
         (v->'body'->'session'->>'requestedAt')::double precision,
         v->'body'->'session'->>'createdBy', v->'body'->'session'->>'ownedBy', v->'body'
  from jsonb_array_elements(u->'views') x(v)
  where v->'entity'->>'kind' = 'session'
  order by v->>'studioId', v->'entity'->>'id'
  on conflict (studio_id, session_id) do update set
    version = excluded.version, state = excluded.state, created_at = excluded.created_at,
    created_by = excluded.created_by, owned_by = excluded.owned_by, session = excluded.session;
end
$fn$;

-- 5. Jobs: completions first (a unit may complete and schedule the same job), then schedules, in key order.
create or replace function ${s}.commit_jobs(u jsonb) returns void
language plpgsql as $fn$
begin
  if u ? 'complete' then
    delete from ${s}.jobs j
    using jsonb_array_elements(u->'complete') x(c)
    where j.studio_id = c->>'studioId' and j.entity_kind = c->'entity'->>'kind'
      and j.entity_id = c->'entity'->>'id' and j.kind = c->>'kind';
  end if;
  if u ? 'schedule' then
    insert into ${s}.jobs as j (studio_id, entity_kind, entity_id, kind, due_at)
    select c->>'studioId', c->'entity'->>'kind', c->'entity'->>'id', c->>'kind',
           (c->>'dueAt')::double precision
    from jsonb_array_elements(u->'schedule') x(c) order by 1, 2, 3, 4
    on conflict (studio_id, entity_kind, entity_id, kind) do update set
      owner = null, due_at = excluded.due_at, attempts = 0, last_error = null;
  end if;
end
$fn$;

-- 6. The events, last: positions taken behind the log barrier (see 002), in the unit's order.
create or replace function ${s}.commit_events(u jsonb, versions bigint[]) returns void
language plpgsql as $fn$
begin
  if (u->>'eventCount')::integer = 0 then
    return;
  end if;
  perform pg_advisory_xact_lock_shared(${barrier});
  insert into ${s}.events
    (stream_id, version, studio_id, position, type, type_version, data, recorded_at, transaction_id)
  select e->>'streamId', versions[(e->>'append')::integer] - (e->>'following')::integer, e->>'studioId',
         nextval('${s}.event_position'), e->>'type', (e->>'version')::integer,
         coalesce(e->'data', 'null'::jsonb), to_timestamp((u->>'now')::double precision / 1000),
         pg_current_xact_id()
  from jsonb_array_elements(u->'events') with ordinality x(e, ord)
  order by ord;
end
$fn$;

-- The dispatcher: one call per unit of work, all or nothing.
create or replace function ${s}.commit_unit(u jsonb) returns jsonb
language plpgsql as $fn$
declare
  versions bigint[];
begin
  perform ${s}.commit_token(u);
  versions := ${s}.commit_appends(u);
  perform ${s}.commit_purge(u);
  perform ${s}.commit_views(u);
  perform ${s}.commit_jobs(u);
  perform ${s}.commit_events(u, versions);
  return to_jsonb(versions);
end
$fn$;
`;
};

import type { SchemaLocks } from './types.js';

/**
 * Durable scheduled jobs, upgraded in place from the provisioning outbox of migration 1: the table becomes
 * `jobs`, keyed by (studio, session, kind), and `lease_until` becomes `due_at`, the time a job can next be
 * claimed: its due time while nobody holds it, the end of the lease while a worker does. Rows already in
 * the outbox are provisioning jobs due at once (or when their lease ends), which is what they were.
 *
 * The commit function is redefined to schedule and complete jobs, with an argument whose keys say what
 * they are (the unit of work's own names), documented below.
 */
export const scheduledJobs = (s: string): string => `
alter table ${s}.provisioning_outbox rename to jobs;
alter table ${s}.jobs rename column lease_until to due_at;
alter table ${s}.jobs add column kind text collate "C" not null default 'provision';
alter table ${s}.jobs alter column kind drop default;
alter table ${s}.jobs add column last_error text;
alter table ${s}.jobs drop constraint provisioning_outbox_pkey;
alter table ${s}.jobs add constraint jobs_pkey primary key (studio_id, session_id, kind);
drop index ${s}.provisioning_outbox_claimable;
create index jobs_due on ${s}.jobs (due_at, seq);
comment on table ${s}.jobs is
  'Durable scheduled jobs: one per (session, kind), claimable once due_at has passed.';
comment on column ${s}.jobs.due_at is
  'Epoch ms at which the job can next be claimed: its due time, or the end of the lease while owner holds it.';
comment on column ${s}.jobs.attempts is 'Claims since the job was last scheduled; reset by every schedule.';
comment on column ${s}.jobs.last_error is 'Why the last failed step failed, until the job is scheduled again.';

-- Instances of the registry can be stopped and started again: running_at is null while stopped.
alter table ${s}.instance_allocations alter column running_at drop not null;
`;

/**
 * The commit: one call per unit of work, all or nothing (see 002 for the order of the work, the conflict
 * codes and the log barrier, which are unchanged). The argument:
 *
 * - `now`: epoch ms; `eventCount`: how many events the unit appends in all.
 * - `appends`: [{streamId, studioId, expect: 'noStream' | 'exact' | 'any', version (with 'exact'),
 *   eventCount, snapshot?}].
 * - `events`: flat, in the unit's order: [{append: the 1-based index of its append, following: how many
 *   events of that append come after it, streamId, studioId, type, version, data}].
 * - `views`: [{studioId, sessionId, version, session}].
 * - `clientToken`: {studioId, operation, clientToken, fingerprint, sessionId, expiresAt}.
 * - `complete`: [{studioId, sessionId, kind}], applied before `schedule`: [{studioId, sessionId, kind,
 *   dueAt}], which inserts a job or reschedules it (held by nobody, attempts back to 0).
 * - `purge`: [{studioId, sessionId}]: view rows to remove (DELETED sessions past their retention).
 *
 * It returns each append's new version, in the order of `appends`.
 */
export const commitFunctionWithJobs = (s: string, locks: SchemaLocks): string => {
  const barrier = `${locks.logBarrier[0]}, ${locks.logBarrier[1]}`;
  return `
create or replace function ${s}.commit_unit(u jsonb) returns jsonb
language plpgsql as $fn$
declare
  now_ms double precision := (u->>'now')::double precision;
  a record;
  n integer;
  new_version bigint;
  actual bigint;
  versions bigint[] := array_fill(null::bigint, array[jsonb_array_length(u->'appends')]);
  existing jsonb;
  token jsonb := u->'clientToken';
begin
  if token is not null then
    insert into ${s}.client_tokens as ct
      (studio_id, operation, client_token, fingerprint, session_id, expires_at)
    values (token->>'studioId', token->>'operation', token->>'clientToken', token->>'fingerprint',
            token->>'sessionId', (token->>'expiresAt')::double precision)
    on conflict (studio_id, operation, client_token) do update set
      fingerprint = excluded.fingerprint, session_id = excluded.session_id, expires_at = excluded.expires_at
    where ct.expires_at <= now_ms;
    if not found then
      select jsonb_build_object('studioId', ct.studio_id, 'operation', ct.operation,
               'clientToken', ct.client_token, 'fingerprint', ct.fingerprint,
               'sessionId', ct.session_id, 'expiresAt', ct.expires_at)
        into existing
      from ${s}.client_tokens ct
      where ct.studio_id = token->>'studioId' and ct.operation = token->>'operation'
        and ct.client_token = token->>'clientToken';
      raise exception using
        errcode = 'NS002', message = 'client token already used', detail = coalesce(existing::text, '{}');
    end if;
  end if;

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

  if u ? 'purge' then
    delete from ${s}.session_views v
    using jsonb_array_elements(u->'purge') x(p)
    where v.studio_id = p->>'studioId' and v.session_id = p->>'sessionId';
  end if;

  if u ? 'complete' then
    delete from ${s}.jobs j
    using jsonb_array_elements(u->'complete') x(c)
    where j.studio_id = c->>'studioId' and j.session_id = c->>'sessionId' and j.kind = c->>'kind';
  end if;

  with view_rows as (
    insert into ${s}.session_views as sv
      (studio_id, session_id, version, state, created_at, created_by, owned_by, session)
    select v->>'studioId', v->>'sessionId', (v->>'version')::bigint, v->'session'->>'state',
           (v->'session'->'session'->>'requestedAt')::double precision,
           v->'session'->'session'->>'createdBy', v->'session'->'session'->>'ownedBy', v->'session'
    from jsonb_array_elements(u->'views') x(v)
    order by v->>'studioId', v->>'sessionId'
    on conflict (studio_id, session_id) do update set
      version = excluded.version, state = excluded.state, created_at = excluded.created_at,
      created_by = excluded.created_by, owned_by = excluded.owned_by, session = excluded.session
  ), scheduled as (
    insert into ${s}.jobs as j (studio_id, session_id, kind, due_at)
    select c->>'studioId', c->>'sessionId', c->>'kind', (c->>'dueAt')::double precision
    from jsonb_array_elements(u->'schedule') x(c) order by 1, 2, 3
    on conflict (studio_id, session_id, kind) do update set
      owner = null, due_at = excluded.due_at, attempts = 0, last_error = null
  ), barrier as (
    select pg_advisory_xact_lock_shared(${barrier}) where (u->>'eventCount')::integer > 0
  )
  insert into ${s}.events
    (stream_id, version, studio_id, position, type, type_version, data, recorded_at, transaction_id)
  select e->>'streamId', versions[(e->>'append')::integer] - (e->>'following')::integer, e->>'studioId',
         nextval('${s}.event_position'), e->>'type', (e->>'version')::integer,
         coalesce(e->'data', 'null'::jsonb), to_timestamp(now_ms / 1000), pg_current_xact_id()
  from barrier, jsonb_array_elements(u->'events') with ordinality x(e, ord)
  order by ord;

  return to_jsonb(versions);
end
$fn$;
`;
};

import type { SchemaLocks } from './types.js';

/**
 * The commit: one function call per unit of work, so a create is one round trip. It takes the unit as
 * one jsonb argument (built by event-store.ts) and either writes all of it or raises, which rolls the
 * statement back: nothing is written on a conflict. Call it as a statement of its own, never inside a
 * longer transaction: readers of the log wait for it (see below).
 *
 * The argument: `now`; `appends` [{s: stream, t: studio, k: 'n' (no events yet) | 'e' (exactly v) |
 * 'a' (any), v, c: its number of events, snap?}]; `events`, flat, in the unit's order [{i: the 1-based
 * index of its append, b: how many events of that append follow it, s, t, type, version, data}] and `n`,
 * their number; `views` [{t, id, v, session}]; `token` {t, op, ct, fp, sid, exp}; `enqueue` and `complete`
 * [{t, id}]. It returns each append's new version, in the order of `appends`. (One flat list of events
 * rather than a list per append: a nested set-returning scan costs the insert a third of its speed.)
 *
 * The order of the work is chosen for concurrency:
 * 1. the client token, so a replay fails at once instead of waiting for the studio's ledger row, which
 *    other creates hold (SQLSTATE NS002, detail: the record that holds the token);
 * 2. the stream rows, in a fixed order so two multi-stream commits never wait for each other in a cycle,
 *    each checked against its expected version by the statement that updates it (SQLSTATE NS001,
 *    detail: {i: the append's 1-based index, actual});
 * 3. outbox completions, then in one statement view rows, outbox jobs and, last, the events with their
 *    global positions. Nothing fails after the checks, so conflicts do not burn positions, and the
 *    positions are taken as late as possible, shortly before the commit.
 *
 * The log guard. Positions come from a sequence (CACHE 1), one per event, so every position is used by
 * exactly one event of a committed transaction, or by none if its transaction rolled back. A reader
 * returns a page only while its positions are contiguous from where it left off: a missing position
 * below a visible one is either a transaction still running, which would commit "under" the reader, or
 * a rolled-back one. To tell which, the reader takes the log barrier (read_log_settled): every writer
 * holds it shared from the moment it takes positions until it commits, so the exclusive lock is granted
 * once the writers in flight have finished, and what is missing then is missing for good. The guard is
 * transaction completion, never a timer.
 */
export const commitFunction = (s: string, locks: SchemaLocks): string => {
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
begin
  if u ? 'token' then
    insert into ${s}.client_tokens as ct
      (studio_id, operation, client_token, fingerprint, session_id, expires_at)
    values (u->'token'->>'t', u->'token'->>'op', u->'token'->>'ct', u->'token'->>'fp',
            u->'token'->>'sid', (u->'token'->>'exp')::double precision)
    on conflict (studio_id, operation, client_token) do update set
      fingerprint = excluded.fingerprint, session_id = excluded.session_id, expires_at = excluded.expires_at
    where ct.expires_at <= now_ms;
    if not found then
      select jsonb_build_object('studioId', ct.studio_id, 'operation', ct.operation,
               'clientToken', ct.client_token, 'fingerprint', ct.fingerprint,
               'sessionId', ct.session_id, 'expiresAt', ct.expires_at)
        into existing
      from ${s}.client_tokens ct
      where ct.studio_id = u->'token'->>'t' and ct.operation = u->'token'->>'op'
        and ct.client_token = u->'token'->>'ct';
      raise exception using
        errcode = 'NS002', message = 'client token already used', detail = coalesce(existing::text, '{}');
    end if;
  end if;

  for a in
    select x.value as j, x.ordinality::integer as i
    from jsonb_array_elements(u->'appends') with ordinality x
    order by x.value->>'s', x.value->>'t'
  loop
    n := (a.j->>'c')::integer;
    if a.j->>'k' = 'e' then
      update ${s}.streams st set
        version = st.version + n,
        snapshot = case when a.j ? 'snap' then a.j->'snap' else st.snapshot end,
        snapshot_version = case when a.j ? 'snap' then st.version + n else st.snapshot_version end
      where st.stream_id = a.j->>'s' and st.studio_id = a.j->>'t' and st.version = (a.j->>'v')::bigint
      returning st.version into new_version;
    else
      insert into ${s}.streams as st (stream_id, studio_id, version, snapshot, snapshot_version)
      values (a.j->>'s', a.j->>'t', n, a.j->'snap', case when a.j ? 'snap' then n end)
      on conflict (stream_id, studio_id) do update set
        version = st.version + n,
        snapshot = case when a.j ? 'snap' then a.j->'snap' else st.snapshot end,
        snapshot_version = case when a.j ? 'snap' then st.version + n else st.snapshot_version end
      where a.j->>'k' = 'a' or st.version = 0
      returning st.version into new_version;
    end if;
    if not found then
      select st.version into actual from ${s}.streams st
      where st.stream_id = a.j->>'s' and st.studio_id = a.j->>'t';
      raise exception using
        errcode = 'NS001',
        message = 'wrong expected version',
        detail = json_build_object('i', a.i, 'actual', coalesce(actual, 0))::text;
    end if;
    versions[a.i] := new_version;
  end loop;

  -- Completing a job comes before enqueueing one (a unit may do both to the same session), so it is a
  -- statement of its own; in practice a unit does one or the other.
  if u ? 'complete' then
    delete from ${s}.provisioning_outbox o
    using jsonb_array_elements(u->'complete') x(c)
    where o.studio_id = c->>'t' and o.session_id = c->>'id';
  end if;

  -- Nothing below can conflict, so the rest is one statement. Positions are taken after the barrier
  -- (the join with it comes first) and in the unit's order (ORDER BY is applied before a volatile target
  -- list is evaluated).
  with view_rows as (
    insert into ${s}.session_views as sv
      (studio_id, session_id, version, state, created_at, created_by, owned_by, session)
    select v->>'t', v->>'id', (v->>'v')::bigint, v->'session'->>'state',
           (v->'session'->'session'->>'requestedAt')::double precision,
           v->'session'->'session'->>'createdBy', v->'session'->'session'->>'ownedBy', v->'session'
    from jsonb_array_elements(u->'views') x(v)
    order by v->>'t', v->>'id'
    on conflict (studio_id, session_id) do update set
      version = excluded.version, state = excluded.state, created_at = excluded.created_at,
      created_by = excluded.created_by, owned_by = excluded.owned_by, session = excluded.session
  ), jobs as (
    insert into ${s}.provisioning_outbox as o (studio_id, session_id)
    select c->>'t', c->>'id' from jsonb_array_elements(u->'enqueue') x(c) order by 1, 2
    on conflict (studio_id, session_id) do update set owner = null, lease_until = 0, attempts = 0
  ), barrier as (
    select pg_advisory_xact_lock_shared(${barrier}) where (u->>'n')::integer > 0
  )
  insert into ${s}.events
    (stream_id, version, studio_id, position, type, type_version, data, recorded_at, transaction_id)
  select e->>'s', versions[(e->>'i')::integer] - (e->>'b')::integer, e->>'t', nextval('${s}.event_position'),
         e->>'type', (e->>'version')::integer, coalesce(e->'data', 'null'::jsonb), to_timestamp(now_ms / 1000),
         pg_current_xact_id()
  from barrier, jsonb_array_elements(u->'events') with ordinality x(e, ord)
  order by ord;

  return to_jsonb(versions);
end
$fn$;

-- A page of the log that no running transaction can still change: it waits (at most 50 ms) for the
-- writers in flight. New writers queue behind it meanwhile, so the wait is bounded in case some writer is
-- itself stuck behind a long transaction; past the bound, the page ends at the first missing position.
create or replace function ${s}.read_log_settled(after_position bigint, max_count integer)
returns setof ${s}.events
language plpgsql as $fn$
declare
  caller_lock_timeout text := current_setting('lock_timeout');
begin
  begin
    perform set_config('lock_timeout', '50ms', true);
    perform pg_advisory_xact_lock(${barrier});
  exception when lock_not_available then
    return query
      select (page.e).* from (
        select t as e, t.position - after_position - row_number() over (order by t.position) as gap
        from (select * from ${s}.events where position > after_position
              order by position limit max_count) t
      ) page
      where page.gap = 0
      order by (page.e).position;
    return;
  end;
  perform set_config('lock_timeout', caller_lock_timeout, true);
  -- Each statement of a volatile function takes a new snapshot: this one sees every event whose
  -- position was taken before the lock was granted.
  return query
    select * from ${s}.events where position > after_position order by position limit max_count;
end
$fn$;
`;
};

/**
 * The tables. Every key carries the studio id, so the schema can be distributed by studio (Citus, say)
 * when one database is not enough; key columns use the "C" collation, so ordering is by code point, as in
 * JavaScript, whatever the database's locale.
 */
export const tables = (s: string): string => `
-- One row per stream: its version (the optimistic-concurrency guard every append updates) and the
-- snapshot written with its last snapshotting commit, labelled with the version it reflects.
create table ${s}.streams (
  stream_id text collate "C" not null,
  studio_id text collate "C" not null,
  version bigint not null,
  snapshot jsonb,
  snapshot_version bigint,
  primary key (stream_id, studio_id)
);

-- Positions are handed out under a short lock together with the transaction id (see the commit
-- function), so position order and transaction-id order agree. CACHE 1: a per-connection cache of
-- values would break that agreement.
create sequence ${s}.event_position as bigint cache 1;

-- The log. The key is unique(stream_id, version) with the studio id added as the distribution column;
-- stream ids carry their studio, so it is the same constraint.
create table ${s}.events (
  stream_id text collate "C" not null,
  version bigint not null,
  studio_id text collate "C" not null,
  position bigint not null,
  type text collate "C" not null,
  type_version integer not null,
  data jsonb not null,
  metadata jsonb,
  recorded_at timestamptz not null,
  transaction_id xid8 not null,
  primary key (stream_id, version, studio_id)
);
create index events_position on ${s}.events (position);

-- Client tokens, unique in their scope (studio, operation, token) while unexpired.
create table ${s}.client_tokens (
  studio_id text collate "C" not null,
  operation text collate "C" not null,
  client_token text collate "C" not null,
  fingerprint text collate "C" not null,
  session_id text collate "C" not null,
  expires_at double precision not null,
  primary key (studio_id, operation, client_token)
);

-- The sessions view for Get and List, written by the same commit as the events it reflects.
create table ${s}.session_views (
  studio_id text collate "C" not null,
  session_id text collate "C" not null,
  version bigint not null,
  state text collate "C" not null,
  created_at double precision not null,
  created_by text collate "C" not null,
  owned_by text collate "C" not null,
  session jsonb not null,
  primary key (studio_id, session_id)
) with (fillfactor = 90);
create index session_views_by_created on ${s}.session_views (studio_id, created_at, session_id);

-- Provisioning work, one row per session in CREATE_IN_PROGRESS. lease_until 0 means unclaimed.
create table ${s}.provisioning_outbox (
  studio_id text collate "C" not null,
  session_id text collate "C" not null,
  seq bigint generated always as identity,
  owner text,
  lease_until double precision not null default 0,
  attempts integer not null default 0,
  primary key (studio_id, session_id)
);
create index provisioning_outbox_claimable on ${s}.provisioning_outbox (lease_until, seq);

-- The quota ledgers are streams like any other; this view names them for operators.
create view ${s}.quota_ledgers as
  select studio_id, version, snapshot as state, snapshot_version as state_version
  from ${s}.streams where stream_id like 'QuotaLedger:%';

-- Instances allocated per session, for provisioners that must be idempotent by session id across
-- processes (EC2 does this with RunInstances' client token).
create table ${s}.instance_allocations (
  studio_id text collate "C" not null,
  session_id text collate "C" not null,
  instance_id text collate "C" not null,
  ec2_instance_type text not null,
  running_at double precision not null,
  released boolean not null default false,
  allocate_calls integer not null default 1,
  primary key (studio_id, session_id)
);
create unique index instance_allocations_instance on ${s}.instance_allocations (instance_id, studio_id);

-- The catalog: studios, their administrators and EULA acceptances, launch profiles and their members,
-- streaming images (owned by a studio, or by "amazon" for every studio).
create table ${s}.studios (
  studio_id text collate "C" not null primary key,
  state text not null,
  studio_name text,
  display_name text,
  quotas jsonb
);
create table ${s}.studio_members (
  studio_id text collate "C" not null,
  principal_id text collate "C" not null,
  persona text not null,
  identity_store_id text,
  primary key (studio_id, principal_id)
);
create table ${s}.eula_acceptances (
  studio_id text collate "C" not null,
  eula_id text collate "C" not null,
  eula_acceptance_id text,
  accepted_by text,
  accepted_at text,
  primary key (studio_id, eula_id)
);
create table ${s}.launch_profiles (
  studio_id text collate "C" not null,
  launch_profile_id text collate "C" not null,
  name text,
  state text not null,
  stream_configuration jsonb not null,
  primary key (studio_id, launch_profile_id)
);
create table ${s}.launch_profile_members (
  studio_id text collate "C" not null,
  launch_profile_id text collate "C" not null,
  principal_id text collate "C" not null,
  persona text not null,
  identity_store_id text,
  primary key (studio_id, launch_profile_id, principal_id)
);
create table ${s}.streaming_images (
  owner text collate "C" not null,
  streaming_image_id text collate "C" not null,
  name text,
  platform text,
  state text not null,
  eula_ids jsonb not null default '[]',
  primary key (owner, streaming_image_id)
);
`;

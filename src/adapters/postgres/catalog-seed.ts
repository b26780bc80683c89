import type { Pool } from 'pg';
import type { Seed } from '../../application/seed.js';
import { encodeJson, schemaIdentifier } from './codec.js';
import { DEFAULT_SCHEMA } from './migrate.js';

/**
 * Writes a seed document into the catalog tables, in one transaction: the seed is the truth for the studios
 * it names (their administrators, EULA acceptances, launch profiles and members, and their own images are
 * replaced), and Amazon images are added or updated. Validate the document with `parseSeed` first.
 * Running processes see the change within their catalog's refresh interval.
 */
export async function loadSeed(
  pool: Pool,
  seed: Seed,
  options: { readonly schema?: string } = {},
): Promise<void> {
  const schema = schemaIdentifier(options.schema ?? DEFAULT_SCHEMA);
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const statement of seedStatements(schema)) {
      await client.query(statement.text, [encodeJson(statement.rows(seed))]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface SeedStatement {
  readonly text: string;
  readonly rows: (seed: Seed) => unknown;
}

/** The statements that write a seed, each taking one JSON array of rows. */
function seedStatements(s: string): readonly SeedStatement[] {
  const named = (seed: Seed) => seed.studios.map((st) => st.studioId);
  const profiles = (seed: Seed) => seed.launchProfiles ?? [];
  return [
    {
      rows: named,
      text: `with ids as (select jsonb_array_elements_text($1::jsonb) as id),
        a as (delete from ${s}.studio_members where studio_id in (select id from ids)),
        b as (delete from ${s}.eula_acceptances where studio_id in (select id from ids)),
        c as (delete from ${s}.launch_profile_members where studio_id in (select id from ids)),
        d as (delete from ${s}.launch_profiles where studio_id in (select id from ids))
        delete from ${s}.streaming_images where owner in (select id from ids)`,
    },
    {
      rows: (seed) =>
        seed.studios.map((st) => ({
          studio_id: st.studioId,
          state: st.state,
          studio_name: st.studioName ?? null,
          display_name: st.displayName ?? null,
          quotas: st.quotas ?? null,
        })),
      text: `insert into ${s}.studios (studio_id, state, studio_name, display_name, quotas)
        select * from jsonb_to_recordset($1::jsonb)
          as x(studio_id text, state text, studio_name text, display_name text, quotas jsonb)
        on conflict (studio_id) do update set state = excluded.state, studio_name = excluded.studio_name,
          display_name = excluded.display_name, quotas = excluded.quotas`,
    },
    {
      rows: (seed) =>
        seed.studios.flatMap((st) =>
          (st.studioMembers ?? []).map((m) => ({
            studio_id: st.studioId,
            principal_id: m.principalId,
            persona: m.persona,
            identity_store_id: m.identityStoreId ?? null,
          })),
        ),
      text: `insert into ${s}.studio_members (studio_id, principal_id, persona, identity_store_id)
        select * from jsonb_to_recordset($1::jsonb)
          as x(studio_id text, principal_id text, persona text, identity_store_id text)
        on conflict do nothing`,
    },
    {
      rows: (seed) =>
        seed.studios.flatMap((st) =>
          (st.eulaAcceptances ?? []).map((e) => ({
            studio_id: st.studioId,
            eula_id: e.eulaId,
            eula_acceptance_id: e.eulaAcceptanceId ?? null,
            accepted_by: e.acceptedBy ?? null,
            accepted_at: e.acceptedAt ?? null,
          })),
        ),
      text: `insert into ${s}.eula_acceptances (studio_id, eula_id, eula_acceptance_id, accepted_by, accepted_at)
        select * from jsonb_to_recordset($1::jsonb)
          as x(studio_id text, eula_id text, eula_acceptance_id text, accepted_by text, accepted_at text)
        on conflict do nothing`,
    },
    {
      rows: (seed) =>
        profiles(seed).map((p) => ({
          studio_id: p.studioId,
          launch_profile_id: p.launchProfileId,
          name: p.name ?? null,
          state: p.state,
          stream_configuration: p.streamConfiguration,
        })),
      text: `insert into ${s}.launch_profiles (studio_id, launch_profile_id, name, state, stream_configuration)
        select * from jsonb_to_recordset($1::jsonb)
          as x(studio_id text, launch_profile_id text, name text, state text, stream_configuration jsonb)
        on conflict (studio_id, launch_profile_id) do update set name = excluded.name, state = excluded.state,
          stream_configuration = excluded.stream_configuration`,
    },
    {
      rows: (seed) =>
        profiles(seed).flatMap((p) =>
          (p.launchProfileMembers ?? []).map((m) => ({
            studio_id: p.studioId,
            launch_profile_id: p.launchProfileId,
            principal_id: m.principalId,
            persona: m.persona,
            identity_store_id: m.identityStoreId ?? null,
          })),
        ),
      text: `insert into ${s}.launch_profile_members
          (studio_id, launch_profile_id, principal_id, persona, identity_store_id)
        select * from jsonb_to_recordset($1::jsonb) as x(studio_id text, launch_profile_id text,
          principal_id text, persona text, identity_store_id text)
        on conflict do nothing`,
    },
    {
      rows: (seed) =>
        (seed.streamingImages ?? []).map((i) => ({
          owner: i.owner,
          streaming_image_id: i.streamingImageId,
          name: i.name ?? null,
          platform: i.platform ?? null,
          state: i.state,
          eula_ids: i.eulaIds ?? [],
        })),
      text: `insert into ${s}.streaming_images (owner, streaming_image_id, name, platform, state, eula_ids)
        select * from jsonb_to_recordset($1::jsonb)
          as x(owner text, streaming_image_id text, name text, platform text, state text, eula_ids jsonb)
        on conflict (owner, streaming_image_id) do update set name = excluded.name,
          platform = excluded.platform, state = excluded.state, eula_ids = excluded.eula_ids`,
    },
  ];
}

import type { Catalog } from '../../application/ports/catalog.js';
import {
  parseSeed,
  type SeedLaunchProfile,
  type SeedStreamingImage,
  type SeedStudio,
} from '../../application/seed.js';
import { StoredValueUnreadable } from '../../application/stored-shapes.js';
import {
  DEFAULT_QUOTA_LIMITS,
  type LaunchProfile,
  type QuotaLimits,
  type StreamingImage,
  type Studio,
} from '../../domain/index.js';
import { InMemoryCatalog } from '../../application/seed-catalog.js';
import { decodeJson, encodeText } from './codec.js';
import { PostgresDatabase, type PostgresConnectionOptions } from './database.js';

export { loadSeed } from './catalog-seed.js';

/** How the PostgreSQL catalog caches. */
export interface PostgresCatalogOptions extends PostgresConnectionOptions {
  /** A studio's cached catalog is reloaded in the background once it is older than this (default 5 s). */
  readonly refreshMs?: number;
  /** At most this many studios are cached; the oldest entry goes first (default 10,000). */
  readonly maxCachedStudios?: number;
  /**
   * At most this many ids that name no studio are remembered as such, the oldest first out (default
   * 1,000). Kept apart from the studios, so probing made-up ids can neither grow the process nor push a
   * real studio out of the cache.
   */
  readonly maxCachedUnknownStudios?: number;
  readonly defaultLimits?: QuotaLimits;
}

interface Entry {
  readonly catalog: Catalog;
  readonly loadedAt: number;
  refreshing: boolean;
}

/**
 * The catalog in tables (`studios`, `studio_members`, `eula_acceptances`, `launch_profiles`,
 * `launch_profile_members`, `streaming_images`), cached per studio so that a create pays no catalog round
 * trip. The first request for a studio loads its whole slice (the studio, its administrators, EULA
 * acceptances, launch profiles with members, and the images it can see) in one query; later requests read
 * the cached slice, and one older than `refreshMs` is reloaded in the background while the old one keeps
 * answering (stale-while-revalidate). Unknown studios are cached too, so probing ids costs one query per id
 * per refresh. A catalog change therefore shows within `refreshMs` plus one load; `invalidate` applies it at
 * once.
 */
export class PostgresCatalog implements Catalog {
  readonly #db: PostgresDatabase;
  readonly #refreshMs: number;
  readonly #maxStudios: number;
  readonly #maxUnknown: number;
  readonly #defaultLimits: QuotaLimits;
  readonly #entries = new Map<string, Entry>();
  /** Ids found to name no studio (their slice has only what every studio sees: Amazon's images). */
  readonly #unknown = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<Catalog>>();

  constructor(options: PostgresCatalogOptions) {
    this.#db = new PostgresDatabase(options);
    this.#refreshMs = options.refreshMs ?? 5_000;
    this.#maxStudios = options.maxCachedStudios ?? 10_000;
    this.#maxUnknown = options.maxCachedUnknownStudios ?? 1_000;
    this.#defaultLimits = options.defaultLimits ?? DEFAULT_QUOTA_LIMITS;
  }

  /** Drops the cached slice of one studio, or of all: the next read loads it again. */
  invalidate(studioId?: string): void {
    if (studioId === undefined) {
      this.#entries.clear();
      this.#unknown.clear();
    } else {
      this.#entries.delete(studioId);
      this.#unknown.delete(studioId);
    }
  }

  /** How many studios, and how many ids of no studio, are cached. */
  get cached(): { readonly studios: number; readonly unknown: number } {
    return { studios: this.#entries.size, unknown: this.#unknown.size };
  }

  /** Ends the pool if the catalog created it from a connection string. */
  close(): Promise<void> {
    return this.#db.close();
  }

  async getStudio(studioId: string): Promise<Studio | undefined> {
    return (await this.#slice(studioId)).getStudio(studioId);
  }

  async getLaunchProfile(studioId: string, launchProfileId: string): Promise<LaunchProfile | undefined> {
    return (await this.#slice(studioId)).getLaunchProfile(studioId, launchProfileId);
  }

  async getStreamingImage(studioId: string, streamingImageId: string): Promise<StreamingImage | undefined> {
    return (await this.#slice(studioId)).getStreamingImage(studioId, streamingImageId);
  }

  async listAcceptedEulaIds(studioId: string): Promise<readonly string[]> {
    return (await this.#slice(studioId)).listAcceptedEulaIds(studioId);
  }

  async isStudioAdmin(studioId: string, principalId: string): Promise<boolean> {
    return (await this.#slice(studioId)).isStudioAdmin(studioId, principalId);
  }

  async isLaunchProfileMember(
    studioId: string,
    launchProfileId: string,
    principalId: string,
  ): Promise<boolean> {
    return (await this.#slice(studioId)).isLaunchProfileMember(studioId, launchProfileId, principalId);
  }

  async isMemberOfAnyLaunchProfile(studioId: string, principalId: string): Promise<boolean> {
    return (await this.#slice(studioId)).isMemberOfAnyLaunchProfile(studioId, principalId);
  }

  async getQuotaLimits(studioId: string): Promise<QuotaLimits> {
    return (await this.#slice(studioId)).getQuotaLimits(studioId);
  }

  #slice(studioId: string): Catalog | Promise<Catalog> {
    const entry = this.#entries.get(studioId) ?? this.#unknown.get(studioId);
    if (entry !== undefined) {
      if (!entry.refreshing && Date.now() - entry.loadedAt > this.#refreshMs) {
        entry.refreshing = true;
        this.#load(studioId).catch(() => {
          // Keep answering from the old slice; the next read tries again.
          entry.refreshing = false;
        });
      }
      return entry.catalog;
    }
    let loading = this.#loading.get(studioId);
    if (loading === undefined) {
      loading = this.#load(studioId).finally(() => this.#loading.delete(studioId));
      this.#loading.set(studioId, loading);
    }
    return loading;
  }

  async #load(studioId: string): Promise<Catalog> {
    const { rows } = await this.#db.query<{ slice: string }>('catalog-slice', sliceQuery(this.#db.s), [
      encodeText(studioId),
    ]);
    const slice = decodeJson(rows[0]?.slice ?? '{}') as Partial<Slice> | null;
    // The slice is read as a seed document is, by the seed's schema and rules, never cast: a row written
    // by hand that breaks them names the studio and the rule, and is not answered as something else.
    const seed = parseSeed(seedOfSlice(slice ?? {}));
    if (seed.isErr()) {
      throw new StoredValueUnreadable(`${this.#db.schema} catalog tables`, studioId, seed.error.message);
    }
    const known = seed.value.studios.length > 0;
    // The studio's own image wins over an Amazon image of the same id: it comes last.
    const streamingImages = [...(seed.value.streamingImages ?? [])].sort(
      (a, b) => Number(a.owner !== 'amazon') - Number(b.owner !== 'amazon'),
    );
    const catalog = new InMemoryCatalog({ ...seed.value, streamingImages }, this.#defaultLimits);
    this.#entries.delete(studioId);
    this.#unknown.delete(studioId);
    const cache = known ? this.#entries : this.#unknown;
    cache.set(studioId, { catalog, loadedAt: Date.now(), refreshing: false });
    if (cache.size > (known ? this.#maxStudios : this.#maxUnknown)) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    return catalog;
  }
}

interface Slice {
  readonly studio: SeedStudio | null;
  readonly launchProfiles: readonly SeedLaunchProfile[];
  readonly images: readonly SeedStreamingImage[];
}

/** The slice as a seed document, so the in-memory catalog's rules (the reference behaviour) answer. */
function seedOfSlice(slice: Partial<Slice>): unknown {
  return {
    studios: slice.studio === null || slice.studio === undefined ? [] : [slice.studio],
    launchProfiles: slice.launchProfiles ?? [],
    streamingImages: slice.images ?? [],
  };
}

/** One studio's catalog, shaped like the seed's entries, in one JSON document. */
const sliceQuery = (s: string): string => `
select json_build_object(
  'studio', (select json_strip_nulls(json_build_object(
      'studioId', st.studio_id, 'state', st.state, 'quotas', st.quotas,
      'studioMembers', (select coalesce(json_agg(json_build_object(
          'principalId', m.principal_id, 'persona', m.persona)), '[]')
        from ${s}.studio_members m where m.studio_id = st.studio_id),
      'eulaAcceptances', (select coalesce(json_agg(json_build_object('eulaId', e.eula_id)), '[]')
        from ${s}.eula_acceptances e where e.studio_id = st.studio_id)))
    from ${s}.studios st where st.studio_id = $1),
  'launchProfiles', (select coalesce(json_agg(json_build_object(
      'launchProfileId', lp.launch_profile_id, 'studioId', lp.studio_id, 'state', lp.state,
      'streamConfiguration', lp.stream_configuration,
      'launchProfileMembers', (select coalesce(json_agg(json_build_object(
          'principalId', m.principal_id, 'persona', m.persona)), '[]')
        from ${s}.launch_profile_members m
        where m.studio_id = lp.studio_id and m.launch_profile_id = lp.launch_profile_id))), '[]')
    from ${s}.launch_profiles lp where lp.studio_id = $1),
  'images', (select coalesce(json_agg(json_build_object(
      'streamingImageId', i.streaming_image_id, 'owner', i.owner, 'state', i.state, 'eulaIds', i.eula_ids)), '[]')
    from ${s}.streaming_images i where i.owner = $1 or lower(i.owner) = 'amazon')
)::text as slice`;

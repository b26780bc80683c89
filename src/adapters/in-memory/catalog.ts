import type { Catalog } from '../../application/ports/catalog.js';
import { quotaLimitsOf, type Seed, type SeedStudio } from '../../application/seed.js';
import {
  DEFAULT_QUOTA_LIMITS,
  type LaunchProfile,
  type QuotaLimits,
  type StreamingImage,
  type Studio,
} from '../../domain/index.js';

const key = (...parts: string[]) => JSON.stringify(parts);

/** The catalog held in memory, indexed from a validated seed document. */
export class InMemoryCatalog implements Catalog {
  readonly #studios = new Map<string, SeedStudio>();
  readonly #profiles = new Map<string, LaunchProfile>();
  readonly #images = new Map<string, StreamingImage>();
  readonly #admins = new Set<string>();
  readonly #members = new Set<string>();
  readonly #eulas = new Map<string, readonly string[]>();

  constructor(
    seed: Seed,
    private readonly defaultLimits: QuotaLimits = DEFAULT_QUOTA_LIMITS,
  ) {
    for (const studio of seed.studios) {
      this.#studios.set(studio.studioId, studio);
      for (const m of studio.studioMembers ?? []) this.#admins.add(key(studio.studioId, m.principalId));
      this.#eulas.set(
        studio.studioId,
        (studio.eulaAcceptances ?? []).map((a) => a.eulaId),
      );
    }
    for (const p of seed.launchProfiles ?? []) {
      this.#profiles.set(key(p.studioId, p.launchProfileId), {
        launchProfileId: p.launchProfileId,
        studioId: p.studioId,
        state: p.state,
        streamConfiguration: p.streamConfiguration,
      });
      for (const m of p.launchProfileMembers ?? [])
        this.#members.add(key(p.studioId, p.launchProfileId, m.principalId));
    }
    for (const i of seed.streamingImages ?? []) {
      this.#images.set(i.streamingImageId, {
        streamingImageId: i.streamingImageId,
        owner: i.owner,
        state: i.state,
        eulaIds: i.eulaIds ?? [],
      });
    }
  }

  getStudio(studioId: string): Promise<Studio | undefined> {
    const s = this.#studios.get(studioId);
    return Promise.resolve(s === undefined ? undefined : { studioId: s.studioId, state: s.state });
  }

  getLaunchProfile(studioId: string, launchProfileId: string): Promise<LaunchProfile | undefined> {
    return Promise.resolve(this.#profiles.get(key(studioId, launchProfileId)));
  }

  getStreamingImage(studioId: string, streamingImageId: string): Promise<StreamingImage | undefined> {
    const image = this.#images.get(streamingImageId);
    const visible =
      image !== undefined && (image.owner === studioId || image.owner.toLowerCase() === 'amazon');
    return Promise.resolve(visible ? image : undefined);
  }

  listAcceptedEulaIds(studioId: string): Promise<readonly string[]> {
    return Promise.resolve(this.#eulas.get(studioId) ?? []);
  }

  isStudioAdmin(studioId: string, principalId: string): Promise<boolean> {
    return Promise.resolve(this.#admins.has(key(studioId, principalId)));
  }

  isLaunchProfileMember(studioId: string, launchProfileId: string, principalId: string): Promise<boolean> {
    return Promise.resolve(this.#members.has(key(studioId, launchProfileId, principalId)));
  }

  getQuotaLimits(studioId: string): Promise<QuotaLimits> {
    return Promise.resolve(quotaLimitsOf(this.#studios.get(studioId), this.defaultLimits));
  }
}

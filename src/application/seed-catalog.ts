import type { Catalog } from './ports/catalog.js';
import { quotaLimitsOf, type Seed } from './seed.js';
import {
  DEFAULT_QUOTA_LIMITS,
  type LaunchProfile,
  type QuotaLimits,
  type StreamingImage,
  type Studio,
} from '../domain/index.js';

/** A studio's entries, indexed once when the catalog is built: every lookup is a map or set probe. */
interface StudioEntry {
  studio?: Studio;
  limits?: QuotaLimits;
  eulaIds: readonly string[];
  readonly admins: Set<string>;
  readonly profiles: Map<string, ProfileEntry>;
  /** The members of every launch profile of the studio that is not DELETED. */
  readonly profileMembers: Set<string>;
}

interface ProfileEntry {
  profile?: LaunchProfile;
  readonly members: Set<string>;
}

const NO_EULAS: readonly string[] = Object.freeze([]);

/**
 * The catalog held in memory, indexed from a validated seed document: the reference behaviour of the
 * Catalog port. It lives in a neutral module so that every storage can answer with it (the PostgreSQL
 * catalog indexes each studio's slice of its tables with it) without one adapter importing another.
 * It never changes once built, so everything a request reads (the studio record, its quota limits with
 * defaults filled in) is computed here once rather than on every lookup, and the answers are frozen
 * because every caller shares them.
 */
export class InMemoryCatalog implements Catalog {
  readonly #studios = new Map<string, StudioEntry>();
  readonly #images = new Map<string, StreamingImage>();
  readonly #defaultLimits: QuotaLimits;

  constructor(seed: Seed, defaultLimits: QuotaLimits = DEFAULT_QUOTA_LIMITS) {
    this.#defaultLimits = Object.freeze(quotaLimitsOf(undefined, defaultLimits));
    for (const studio of seed.studios) {
      const entry = this.#entry(studio.studioId);
      entry.studio = Object.freeze({ studioId: studio.studioId, state: studio.state });
      entry.limits = Object.freeze(quotaLimitsOf(studio, defaultLimits));
      for (const m of studio.studioMembers ?? []) entry.admins.add(m.principalId);
      entry.eulaIds = (studio.eulaAcceptances ?? []).map((a) => a.eulaId);
    }
    for (const p of seed.launchProfiles ?? []) {
      const profiles = this.#entry(p.studioId).profiles;
      let profile = profiles.get(p.launchProfileId);
      if (profile === undefined) {
        profile = { members: new Set() };
        profiles.set(p.launchProfileId, profile);
      }
      profile.profile = {
        launchProfileId: p.launchProfileId,
        studioId: p.studioId,
        state: p.state,
        streamConfiguration: p.streamConfiguration,
      };
      for (const m of p.launchProfileMembers ?? []) profile.members.add(m.principalId);
    }
    // After all profiles: a later entry of the same profile id replaces the earlier one, as lookups see it.
    for (const entry of this.#studios.values()) {
      for (const { profile, members } of entry.profiles.values()) {
        if (profile?.state === 'DELETED') continue;
        for (const principalId of members) entry.profileMembers.add(principalId);
      }
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

  #entry(studioId: string): StudioEntry {
    let entry = this.#studios.get(studioId);
    if (entry === undefined) {
      entry = { eulaIds: NO_EULAS, admins: new Set(), profiles: new Map(), profileMembers: new Set() };
      this.#studios.set(studioId, entry);
    }
    return entry;
  }

  getStudio(studioId: string): Promise<Studio | undefined> {
    return Promise.resolve(this.#studios.get(studioId)?.studio);
  }

  getLaunchProfile(studioId: string, launchProfileId: string): Promise<LaunchProfile | undefined> {
    return Promise.resolve(this.#studios.get(studioId)?.profiles.get(launchProfileId)?.profile);
  }

  getStreamingImage(studioId: string, streamingImageId: string): Promise<StreamingImage | undefined> {
    const image = this.#images.get(streamingImageId);
    const visible =
      image !== undefined && (image.owner === studioId || image.owner.toLowerCase() === 'amazon');
    return Promise.resolve(visible ? image : undefined);
  }

  listAcceptedEulaIds(studioId: string): Promise<readonly string[]> {
    return Promise.resolve(this.#studios.get(studioId)?.eulaIds ?? NO_EULAS);
  }

  isStudioAdmin(studioId: string, principalId: string): Promise<boolean> {
    return Promise.resolve(this.#studios.get(studioId)?.admins.has(principalId) ?? false);
  }

  isLaunchProfileMember(studioId: string, launchProfileId: string, principalId: string): Promise<boolean> {
    const profile = this.#studios.get(studioId)?.profiles.get(launchProfileId);
    return Promise.resolve(profile?.members.has(principalId) ?? false);
  }

  isMemberOfAnyLaunchProfile(studioId: string, principalId: string): Promise<boolean> {
    return Promise.resolve(this.#studios.get(studioId)?.profileMembers.has(principalId) ?? false);
  }

  getQuotaLimits(studioId: string): Promise<QuotaLimits> {
    return Promise.resolve(this.#studios.get(studioId)?.limits ?? this.#defaultLimits);
  }
}

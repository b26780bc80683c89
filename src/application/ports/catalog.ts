import type { LaunchProfile, QuotaLimits, StreamingImage, Studio } from '../../domain/index.js';

/**
 * Studios, launch profiles, streaming images, memberships, EULA acceptances and quota settings.
 * Read-only for the handlers; adapters load it from a seed file or from tables.
 */
export interface Catalog {
  /** The studio, whatever its state, or undefined. */
  getStudio(studioId: string): Promise<Studio | undefined>;

  /** A launch profile of the studio, whatever its state, or undefined. */
  getLaunchProfile(studioId: string, launchProfileId: string): Promise<LaunchProfile | undefined>;

  /** A streaming image the studio can see (its own or Amazon's), or undefined. */
  getStreamingImage(studioId: string, streamingImageId: string): Promise<StreamingImage | undefined>;

  /** The EULA ids the studio has accepted. */
  listAcceptedEulaIds(studioId: string): Promise<readonly string[]>;

  /** Whether the principal is a studio member with the ADMINISTRATOR persona. */
  isStudioAdmin(studioId: string, principalId: string): Promise<boolean>;

  /** Whether the principal is a USER member of the launch profile. */
  isLaunchProfileMember(studioId: string, launchProfileId: string, principalId: string): Promise<boolean>;

  /**
   * Whether the principal is a USER member of any of the studio's launch profiles that is not DELETED:
   * with administrators and IAM principals, the callers who have standing in the studio (reference §4.2).
   */
  isMemberOfAnyLaunchProfile(studioId: string, principalId: string): Promise<boolean>;

  /** The studio's quota limits (defaults filled in). */
  getQuotaLimits(studioId: string): Promise<QuotaLimits>;
}

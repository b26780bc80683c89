/** The catalog every workload runs against: studios with their quotas out of the way, one launch profile each. */
import type { Caller, CreateStreamingSessionInput, Seed } from '../../src/index.js';

/**
 * Creates spread over this many studios: creates in one studio take turns on its quota ledger (one
 * stream, one commit at a time), so a single studio would measure the disk's commit latency instead.
 */
export const STUDIOS = 64;
export const LAUNCH_PROFILE_ID = 'LpBenchWorkstation001';
export const IMAGE_ID = 'ImgBenchAmazon0000001';
export const ARTIST: Caller = {
  principalId: '92677b4b19-e9fd012a-94ad-4f16-9866-c69a63ab6486',
  kind: 'STUDIO_USER',
};

export const studioId = (i: number): string => `us-west-2:stid-bench${String(i).padStart(11, '0')}`;

export function benchSeed(): Seed {
  return {
    studios: Array.from({ length: STUDIOS }, (_, i) => ({
      studioId: studioId(i),
      state: 'READY' as const,
      quotas: { maxSessions: 1_000_000_000, maxSessionsPerInstanceFamily: { g4dn: 1_000_000_000 } },
    })),
    launchProfiles: Array.from({ length: STUDIOS }, (_, i) => ({
      launchProfileId: LAUNCH_PROFILE_ID,
      studioId: studioId(i),
      state: 'READY' as const,
      streamConfiguration: {
        clipboardMode: 'ENABLED' as const,
        ec2InstanceTypes: ['g4dn.xlarge' as const],
        streamingImageIds: [IMAGE_ID],
      },
      launchProfileMembers: [{ principalId: ARTIST.principalId, persona: 'USER' as const }],
    })),
    streamingImages: [{ streamingImageId: IMAGE_ID, owner: 'amazon', state: 'READY' }],
  };
}

/** The n-th create of a run: a studio in turn, a fresh client token, one tag. */
export function createInput(n: number, run: string): CreateStreamingSessionInput {
  return {
    studioId: studioId(n % STUDIOS),
    launchProfileId: LAUNCH_PROFILE_ID,
    clientToken: `${run}-${String(n)}`,
    tags: { project: 'bench' },
  };
}

/** The demo seed (its credentials sign the HTTP requests) with quotas out of the way. */
export function httpSeed(demo: Seed): Seed {
  return {
    ...demo,
    studios: demo.studios.map((s) => ({
      ...s,
      quotas: { maxSessions: 1_000_000_000, maxSessionsPerInstanceFamily: { g4dn: 1_000_000_000 } },
    })),
  };
}

/** The catalog of the multi-process tests: one roomy studio, and one studio of quota 5 per race round. */
import type { Caller, Seed, SeedStudio, SeedLaunchProfile } from '../../src/index.js';

export const ARTIST: Caller = {
  principalId: '92677b4b19-e9fd012a-94ad-4f16-9866-c69a63ab6486',
  kind: 'STUDIO_USER',
};
export const IMAGE = 'ImgRaceAmazon00000001';
export const ROOMY_STUDIO = 'us-west-2:stid-raceroomy0000001';
export const launchProfileOf = (studioId: string): string =>
  `LpRace${studioId.slice(-16).replace(/[^a-zA-Z0-9]/g, '')}`.slice(0, 22);
export const quotaStudio = (round: number): string =>
  `us-west-2:stid-racequota${String(round).padStart(6, '0')}`;

function studio(studioId: string, maxSessions: number): { studio: SeedStudio; profile: SeedLaunchProfile } {
  return {
    studio: { studioId, state: 'READY', quotas: { maxSessions } },
    profile: {
      launchProfileId: launchProfileOf(studioId),
      studioId,
      state: 'READY',
      streamConfiguration: {
        clipboardMode: 'ENABLED',
        ec2InstanceTypes: ['g4dn.xlarge'],
        streamingImageIds: [IMAGE],
      },
      launchProfileMembers: [{ principalId: ARTIST.principalId, persona: 'USER' }],
    },
  };
}

/** A roomy studio (quota 100,000) and `rounds` studios of quota `quota`. */
export function raceSeed(rounds: number, quota: number): Seed {
  const entries = [
    studio(ROOMY_STUDIO, 100_000),
    ...Array.from({ length: rounds }, (_, r) => studio(quotaStudio(r), quota)),
  ];
  return {
    studios: entries.map((e) => e.studio),
    launchProfiles: entries.map((e) => e.profile),
    streamingImages: [{ streamingImageId: IMAGE, owner: 'amazon', state: 'READY' }],
  };
}

/**
 * The in-memory catalog indexes its seed once; its answers must be exactly what a plain scan of the seed
 * gives: the last entry of a repeated studio, profile or image wins, memberships of repeated entries add
 * up, and an unknown studio has no EULAs and the default quota limits.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTA_LIMITS, type QuotaLimits } from 'nimble-streaming-sessions/domain';
import { InMemoryCatalog, parseSeed, type Catalog, type Seed } from 'nimble-streaming-sessions';
import { testSeed } from '../application/fixtures.js';

const demo = parseSeed(
  JSON.parse(readFileSync(new URL('../../seeds/demo.json', import.meta.url), 'utf8')),
)._unsafeUnwrap();

/** The seed with its studio and first launch profile repeated: other state, other members, other quotas. */
function withRepeats(seed: Seed): Seed {
  const studio = seed.studios[0]!;
  const profile = seed.launchProfiles?.[0];
  return {
    ...seed,
    studios: [
      ...seed.studios,
      {
        ...studio,
        state: 'UPDATE_IN_PROGRESS',
        quotas: { maxSessions: 7, maxSessionsPerOwner: 2 },
        studioMembers: [{ principalId: 'second-admin', persona: 'ADMINISTRATOR' }],
        eulaAcceptances: [{ eulaId: 'EulaSecond' }],
      },
    ],
    launchProfiles: [
      ...(seed.launchProfiles ?? []),
      ...(profile === undefined
        ? []
        : [
            {
              ...profile,
              state: 'UPDATE_FAILED' as const,
              launchProfileMembers: [{ principalId: 'second-member', persona: 'USER' as const }],
            },
          ]),
    ],
  };
}

/** The answer to every question by scanning the seed, as the reference semantics state them. */
function scanned(seed: Seed, limits: QuotaLimits = DEFAULT_QUOTA_LIMITS) {
  const lastStudio = (id: string) => seed.studios.filter((s) => s.studioId === id).at(-1);
  const profiles = (studio: string, id: string) =>
    (seed.launchProfiles ?? []).filter((p) => p.studioId === studio && p.launchProfileId === id);
  return {
    getStudio: (id: string) => {
      const s = lastStudio(id);
      return s === undefined ? undefined : { studioId: s.studioId, state: s.state };
    },
    listAcceptedEulaIds: (id: string) => (lastStudio(id)?.eulaAcceptances ?? []).map((a) => a.eulaId),
    getQuotaLimits: (id: string) => {
      const q = lastStudio(id)?.quotas;
      return {
        maxSessions: q?.maxSessions ?? limits.maxSessions,
        maxSessionsPerInstanceFamily: {
          ...limits.maxSessionsPerInstanceFamily,
          ...q?.maxSessionsPerInstanceFamily,
        },
        ...(q?.maxSessionsPerOwner === undefined ? {} : { maxSessionsPerOwner: q.maxSessionsPerOwner }),
      };
    },
    isStudioAdmin: (id: string, p: string) =>
      seed.studios.some((s) => s.studioId === id && (s.studioMembers ?? []).some((m) => m.principalId === p)),
    getLaunchProfile: (studio: string, id: string) => {
      const p = profiles(studio, id).at(-1);
      return p === undefined
        ? undefined
        : {
            launchProfileId: p.launchProfileId,
            studioId: p.studioId,
            state: p.state,
            streamConfiguration: p.streamConfiguration,
          };
    },
    isLaunchProfileMember: (studio: string, id: string, p: string) =>
      profiles(studio, id).some((lp) => (lp.launchProfileMembers ?? []).some((m) => m.principalId === p)),
    // Standing: a member of some profile of the studio whose last entry is not DELETED.
    isMemberOfAnyLaunchProfile: (studio: string, p: string) =>
      (seed.launchProfiles ?? []).some(
        (lp) =>
          lp.studioId === studio &&
          profiles(studio, lp.launchProfileId).at(-1)?.state !== 'DELETED' &&
          (lp.launchProfileMembers ?? []).some((m) => m.principalId === p),
      ),
    getStreamingImage: (studio: string, id: string) => {
      const i = (seed.streamingImages ?? []).filter((x) => x.streamingImageId === id).at(-1);
      if (i === undefined || (i.owner !== studio && i.owner.toLowerCase() !== 'amazon')) return undefined;
      return {
        streamingImageId: i.streamingImageId,
        owner: i.owner,
        state: i.state,
        eulaIds: i.eulaIds ?? [],
      };
    },
  };
}

/** Every question, for every studio, profile, image and principal the seed names, and unknown ones. */
async function compare(catalog: Catalog, seed: Seed, limits?: QuotaLimits): Promise<void> {
  const expected = scanned(seed, limits);
  const studios = [...seed.studios.map((s) => s.studioId), 'us-west-2:stid-unknown0000000'];
  const profiles = [...(seed.launchProfiles ?? []).map((p) => p.launchProfileId), 'LpUnknown'];
  const images = [...(seed.streamingImages ?? []).map((i) => i.streamingImageId), 'ImgUnknown'];
  const principals = [
    ...seed.studios.flatMap((s) => (s.studioMembers ?? []).map((m) => m.principalId)),
    ...(seed.launchProfiles ?? []).flatMap((p) => (p.launchProfileMembers ?? []).map((m) => m.principalId)),
    'nobody',
  ];
  for (const studio of studios) {
    expect(await catalog.getStudio(studio)).toEqual(expected.getStudio(studio));
    expect(await catalog.listAcceptedEulaIds(studio)).toEqual(expected.listAcceptedEulaIds(studio));
    expect(await catalog.getQuotaLimits(studio)).toEqual(expected.getQuotaLimits(studio));
    for (const image of images)
      expect(await catalog.getStreamingImage(studio, image)).toEqual(
        expected.getStreamingImage(studio, image),
      );
    for (const profile of profiles) {
      expect(await catalog.getLaunchProfile(studio, profile)).toEqual(
        expected.getLaunchProfile(studio, profile),
      );
      for (const p of principals)
        expect(await catalog.isLaunchProfileMember(studio, profile, p)).toBe(
          expected.isLaunchProfileMember(studio, profile, p),
        );
    }
    for (const p of principals) {
      expect(await catalog.isStudioAdmin(studio, p)).toBe(expected.isStudioAdmin(studio, p));
      expect(await catalog.isMemberOfAnyLaunchProfile(studio, p)).toBe(
        expected.isMemberOfAnyLaunchProfile(studio, p),
      );
    }
  }
}

describe('InMemoryCatalog', () => {
  it.each([
    ['the demo seed', demo],
    ['the application test seed', testSeed()],
    ['a seed with a repeated studio and launch profile', withRepeats(testSeed())],
  ])('answers as a scan of %s does', async (_name, seed) => {
    await compare(new InMemoryCatalog(seed), seed);
  });

  it('fills in the default limits it was given', async () => {
    const limits: QuotaLimits = { maxSessions: 3, maxSessionsPerInstanceFamily: { g4dn: 1 } };
    const seed = withRepeats(demo);
    await compare(new InMemoryCatalog(seed, limits), seed, limits);
  });

  it('answers a repeated question with the same frozen record, computed once', async () => {
    const catalog = new InMemoryCatalog(demo);
    const studio = demo.studios[0]!.studioId;
    const limits = await catalog.getQuotaLimits(studio);
    expect(await catalog.getQuotaLimits(studio)).toBe(limits);
    expect(Object.isFrozen(limits)).toBe(true);
    expect(Object.isFrozen(await catalog.getStudio(studio))).toBe(true);
  });
});

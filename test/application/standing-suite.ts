/**
 * Standing first (reference §4.2 step 0), on whatever storage the caller assembles: what a create tells a
 * caller about a studio's launch profiles depends on who asks, never on what exists. The matrix is every
 * kind of caller against an existing profile (asked for settings it refuses), a missing profile, and a
 * missing studio; each answer is compared with the others, so a difference anywhere is a disclosure.
 */
import { describe, expect, it } from 'vitest';
import { LedgerCache } from '../../src/application/ledger-cache.js';
import type { ApiError, Caller, CreateStreamingSessionInput, Seed } from 'nimble-streaming-sessions';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  LP,
  OTHER_STUDIO_ID,
  OUTSIDER,
  PIPELINE,
  STUDIO_ID,
  testSeed,
  type TestService,
} from './fixtures.js';

/** A READY profile of the studio that ARTIST is not a member of, with settings worth hiding. */
export const LP_RESTRICTED = 'LpRestricted01';
/** A studio user whose only standing is in the other studio. */
export const OTHER_STUDIO_USER: Caller = {
  principalId: '7c7c7c7c7c-77777777-7777-4777-8777-777777777777',
  kind: 'STUDIO_USER',
};
const MISSING_STUDIO = 'us-west-2:stid-missing0000000000';

/** The application tests' seed plus the restricted profile and the other studio's user. */
export function standingSeed(): Seed {
  const seed = testSeed();
  const profiles = seed.launchProfiles ?? [];
  const base = profiles.find((p) => p.launchProfileId === LP);
  if (base === undefined) throw new Error('The test seed has no base launch profile.');
  return {
    ...seed,
    launchProfiles: [
      ...profiles.map((p) =>
        p.studioId === OTHER_STUDIO_ID
          ? {
              ...p,
              launchProfileMembers: [
                ...(p.launchProfileMembers ?? []),
                { principalId: OTHER_STUDIO_USER.principalId, persona: 'USER' as const },
              ],
            }
          : p,
      ),
      {
        launchProfileId: LP_RESTRICTED,
        studioId: STUDIO_ID,
        state: 'READY',
        streamConfiguration: { ...base.streamConfiguration, ec2InstanceTypes: ['g4dn.2xlarge'] },
        launchProfileMembers: [{ principalId: ARTIST_2.principalId, persona: 'USER' }],
      },
    ],
  };
}

/** What a probing caller asks: each target once with a setting the profile refuses, once without. */
const targets = {
  'an existing profile': { studioId: STUDIO_ID, launchProfileId: LP_RESTRICTED },
  'a missing profile': { studioId: STUDIO_ID, launchProfileId: 'LpDoesNotExist' },
  'a missing studio': { studioId: MISSING_STUDIO, launchProfileId: LP_RESTRICTED },
} as const;
const variants = [{}, { ec2InstanceType: 'g4dn.xlarge' as const }];

/** The answer with the caller's own input (the ids it sent) taken out. */
function normalised(
  error: ApiError | 'created',
  target: { studioId: string; launchProfileId: string },
): string {
  return JSON.stringify(error)
    .replaceAll(target.studioId, '<studio>')
    .replaceAll(target.launchProfileId, '<profile>');
}

export function standingSuite(storage: string, makeService: (seed: Seed) => Promise<TestService>): void {
  describe(`Create discloses nothing to callers without standing (${storage})`, () => {
    async function answers(caller: Caller) {
      const service = await makeService(standingSeed());
      const out: Record<string, (ApiError | 'created')[]> = {};
      for (const [name, target] of Object.entries(targets)) {
        out[name] = [];
        for (const variant of variants) {
          const input: CreateStreamingSessionInput = {
            ...target,
            ...variant,
            ...(caller.kind === 'IAM' ? { ownedBy: ARTIST_2.principalId } : {}),
          };
          const result = await service.sessions.createStreamingSession(input, caller);
          out[name].push(result.isOk() ? 'created' : result.error);
        }
      }
      return { service, out };
    }

    it.each<[string, Caller]>([
      ['a member of nothing', OUTSIDER],
      ["a user of another studio's launch profile", OTHER_STUDIO_USER],
    ])('%s gets one AccessDeniedException for every target, and nothing is loaded', async (_n, caller) => {
      const { service, out } = await answers(caller);
      const all = Object.entries(out).flatMap(([name, errors]) =>
        errors.map((e) => normalised(e, targets[name as keyof typeof targets])),
      );
      expect(new Set(all).size).toBe(1);
      expect(out['an existing profile']?.[0]).toEqual({
        type: 'AccessDeniedException',
        code: 'NOT_AUTHORIZED_IN_STUDIO',
        message: `The caller may not create streaming sessions in the studio ${STUDIO_ID}.`,
        context: { principalId: caller.principalId, studioId: STUDIO_ID },
      });
      expect(service.sessions.container.get(LedgerCache).size).toBe(0);
      expect(await service.rows()).toEqual([]);
    });

    it('a studio member outside the profile learns neither whether it exists nor what it allows', async () => {
      const { out } = await answers(ARTIST);
      const existing = (out['an existing profile'] ?? []).map((e) =>
        normalised(e, targets['an existing profile']),
      );
      const missing = (out['a missing profile'] ?? []).map((e) =>
        normalised(e, targets['a missing profile']),
      );
      expect(new Set([...existing, ...missing]).size).toBe(1);
      const inStudio = [...(out['an existing profile'] ?? []), ...(out['a missing profile'] ?? [])];
      expect(inStudio[0]).toMatchObject({ type: 'AccessDeniedException', code: 'NOT_LAUNCH_PROFILE_MEMBER' });
      expect(JSON.stringify(inStudio)).not.toContain('g4dn.2xlarge');
      // A studio it has no standing in answers as it does for anyone else.
      expect(out['a missing studio']?.[0]).toMatchObject({ code: 'NOT_AUTHORIZED_IN_STUDIO' });
    });

    it.each<[string, Caller]>([
      ['a studio administrator', ADMIN],
      ['an IAM principal', PIPELINE],
    ])('%s keeps the detailed errors', async (name, caller) => {
      const { out } = await answers(caller);
      expect(out['an existing profile']?.[1]).toMatchObject({
        type: 'ValidationException',
        code: 'INSTANCE_TYPE_NOT_ALLOWED',
        context: { allowed: 'g4dn.2xlarge' },
      });
      expect(out['a missing profile']?.[0]).toMatchObject({ code: 'LAUNCH_PROFILE_NOT_FOUND' });
      // An administrator of this studio has no standing in another; an IAM principal has it everywhere.
      expect(out['a missing studio']?.[0]).toMatchObject({
        code: name === 'an IAM principal' ? 'STUDIO_NOT_FOUND' : 'NOT_AUTHORIZED_IN_STUDIO',
      });
    });
  });
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  STREAMING_INSTANCE_TYPES,
  StreamingSession,
  checkStreamConfiguration,
  checkTags,
  isStopAllowed,
  replay,
  resolveStreamSettings,
} from 'nimble-streaming-sessions/domain';
import {
  ID_PATTERNS,
  NIMBLE_REGIONS,
  STOP_ALLOWED_BY_ROW,
  arbClientToken,
  arbCreateWorld,
  arbIamPrincipalId,
  arbInstant,
  arbLaunchProfile,
  arbPrincipalId,
  arbQuotaLimits,
  arbResourceId,
  arbSessionEvents,
  arbSessionHistory,
  arbSessionRequestedData,
  arbSessionSlot,
  arbStreamConfiguration,
  arbStreamConfigurationCase,
  arbStreamingImage,
  arbStudio,
  arbStudioId,
  arbTags,
  membershipIn,
} from 'nimble-streaming-sessions/testing';

const runs = { numRuns: 300 } as const;

describe('testing arbitraries: ids', () => {
  it('studio ids: region, colon, stid-, 16 lowercase alphanumerics', () => {
    fc.assert(
      fc.property(arbStudioId(), (id) => {
        expect(id).toMatch(ID_PATTERNS.studioId);
        expect(NIMBLE_REGIONS).toContain(id.slice(0, id.indexOf(':')));
      }),
      runs,
    );
  });

  it('resource ids: 22 base64url characters that decode to 16 bytes', () => {
    fc.assert(
      fc.property(arbResourceId(), (id) => {
        expect(id).toMatch(ID_PATTERNS.resourceId);
        expect(Buffer.from(id, 'base64url')).toHaveLength(16);
        expect(Buffer.from(id, 'base64url').toString('base64url')).toBe(id);
      }),
      runs,
    );
  });

  it('principal ids, IAM ids, client tokens, instants', () => {
    fc.assert(
      fc.property(
        arbPrincipalId(),
        arbIamPrincipalId(),
        arbClientToken(),
        arbInstant(),
        (p, iam, token, t) => {
          expect(p).toMatch(ID_PATTERNS.principalId);
          expect(iam).toMatch(ID_PATTERNS.iamPrincipalId);
          expect(token).toMatch(/^[\x21-\x7e]{1,64}$/);
          expect(t).toBeGreaterThanOrEqual(Date.UTC(2021, 0, 1));
          expect(t).toBeLessThanOrEqual(Date.UTC(2030, 0, 1));
        },
      ),
      runs,
    );
  });

  it('tags pass the domain tag rules and are plain objects', () => {
    fc.assert(
      fc.property(arbTags(), (tags) => {
        expect(checkTags(tags).isOk()).toBe(true);
        expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
      }),
      runs,
    );
  });
});

describe('testing arbitraries: catalog', () => {
  it('stream configurations are valid, within the model ranges, and their row gives the stop rule', () => {
    fc.assert(
      fc.property(arbStreamConfigurationCase(), ({ row, streamConfiguration: c }) => {
        expect(checkStreamConfiguration(c).isOk()).toBe(true);
        expect(c.ec2InstanceTypes.length).toBeGreaterThanOrEqual(1);
        expect(c.ec2InstanceTypes.length).toBeLessThanOrEqual(30);
        expect(new Set(c.ec2InstanceTypes).size).toBe(c.ec2InstanceTypes.length);
        expect(c.streamingImageIds.length).toBeGreaterThanOrEqual(1);
        expect(c.streamingImageIds.length).toBeLessThanOrEqual(20);
        const s = resolveStreamSettings(c);
        expect(s.maxSessionLengthInMinutes).toBeGreaterThanOrEqual(1);
        expect(s.maxSessionLengthInMinutes).toBeLessThanOrEqual(43200);
        expect(s.maxStoppedSessionLengthInMinutes).toBeGreaterThanOrEqual(0);
        expect(s.maxStoppedSessionLengthInMinutes).toBeLessThanOrEqual(5760);
        expect(s.maxBackupsToRetain).toBeGreaterThanOrEqual(0);
        expect(s.maxBackupsToRetain).toBeLessThanOrEqual(10);
        if (s.volumeConfiguration !== undefined) {
          expect(s.volumeConfiguration.size).toBeGreaterThanOrEqual(100);
          expect(s.volumeConfiguration.size).toBeLessThanOrEqual(16000);
          expect(s.volumeConfiguration.throughput).toBeGreaterThanOrEqual(125);
          expect(s.volumeConfiguration.throughput).toBeLessThanOrEqual(1000);
          expect(s.volumeConfiguration.iops).toBeGreaterThanOrEqual(3000);
          expect(s.volumeConfiguration.iops).toBeLessThanOrEqual(16000);
        }
        expect(isStopAllowed(s)).toBe(STOP_ALLOWED_BY_ROW[row]);
      }),
      runs,
    );
  });

  it('options restrict rows, instance types and images', () => {
    fc.assert(
      fc.property(
        arbStreamConfigurationCase({
          rows: ['PERSISTENT'],
          instanceTypes: ['g3.4xlarge'],
          streamingImageIds: ['img'],
        }),
        ({ row, streamConfiguration }) => {
          expect(row).toBe('PERSISTENT');
          expect(streamConfiguration.ec2InstanceTypes).toStrictEqual(['g3.4xlarge']);
          expect(streamConfiguration.streamingImageIds).toStrictEqual(['img']);
          expect(streamConfiguration.sessionPersistenceMode).toBe('ACTIVATED');
        },
      ),
      runs,
    );
  });

  it('studios, launch profiles and images are READY and belong together', () => {
    fc.assert(
      fc.property(
        arbStudioId().chain((studioId) =>
          fc.tuple(
            arbStudio({ studioId }),
            arbLaunchProfile({ studioId }),
            arbStreamingImage({ studioId }),
            arbStreamConfiguration(),
          ),
        ),
        ([studio, profile, image, config]) => {
          expect(studio.state).toBe('READY');
          expect(profile.studioId).toBe(studio.studioId);
          expect(profile.state).toBe('READY');
          expect(profile.launchProfileId).toMatch(ID_PATTERNS.resourceId);
          expect(image.state).toBe('READY');
          expect([studio.studioId, 'amazon']).toContain(image.owner);
          expect(image.eulaIds.length).toBeLessThanOrEqual(3);
          expect(checkStreamConfiguration(config).isOk()).toBe(true);
        },
      ),
      runs,
    );
    fc.assert(
      fc.property(arbStudio(), (studio) => {
        expect(studio.studioId).toMatch(ID_PATTERNS.studioId);
      }),
      { numRuns: 20 },
    );
  });
});

describe('testing arbitraries: worlds', () => {
  it('every world command is accepted by the session rules, as its scenario says', () => {
    fc.assert(
      fc.property(arbCreateWorld(), (world) => {
        const { command } = world;
        expect(command.facts.launchProfile).toBe(world.launchProfile);
        expect(world.launchProfile.streamConfiguration.streamingImageIds).toStrictEqual(
          world.streamingImages.map((i) => i.streamingImageId),
        );
        expect(command.facts.caller).toStrictEqual(membershipIn(world, command.caller.principalId));
        if (world.scenario === 'IAM_FOR_ELIGIBLE_OWNER') expect(command.caller.kind).toBe('IAM');
        if (world.scenario === 'MEMBER_FOR_SELF') expect(command.facts.caller.isStudioAdmin).toBe(false);
        if (world.scenario === 'ADMIN_FOR_ELIGIBLE_OWNER')
          expect(command.facts.caller.isStudioAdmin).toBe(true);
        expect(command.clientToken === undefined).toBe(command.fingerprint === undefined);
        const events = StreamingSession.decide(command, StreamingSession.initialState)._unsafeUnwrap();
        expect(events).toHaveLength(1);
        const [event] = events;
        if (event?.type !== 'SessionRequested') throw new Error('expected SessionRequested');
        expect(event.data.stopAllowed).toBe(STOP_ALLOWED_BY_ROW[world.stopRule]);
      }),
      runs,
    );
  });

  it('world options restrict scenarios and instance types', () => {
    fc.assert(
      fc.property(
        arbCreateWorld({
          scenarios: ['MEMBER_FOR_SELF'],
          instanceTypes: ['g4dn.xlarge'],
          rows: ['NO_PERSISTENCE'],
        }),
        (world) => {
          expect(world.scenario).toBe('MEMBER_FOR_SELF');
          expect(world.stopRule).toBe('NO_PERSISTENCE');
          expect(world.launchProfile.streamConfiguration.ec2InstanceTypes).toStrictEqual(['g4dn.xlarge']);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('testing arbitraries: quota and events', () => {
  it('quota limits stay in their ranges; slots draw from the pools', () => {
    fc.assert(
      fc.property(
        arbQuotaLimits(),
        arbSessionSlot({ owners: ['a', 'b'], sessionIds: ['s'] }),
        (limits, slot) => {
          expect(limits.maxSessions).toBeGreaterThanOrEqual(0);
          expect(limits.maxSessions).toBeLessThanOrEqual(50);
          for (const [family, limit] of Object.entries(limits.maxSessionsPerInstanceFamily)) {
            expect(['g4dn', 'g3', 'g3s', 'g5']).toContain(family);
            expect(limit).toBeLessThanOrEqual(10);
          }
          expect(['a', 'b']).toContain(slot.ownedBy);
          expect(slot.sessionId).toBe('s');
          expect(STREAMING_INSTANCE_TYPES).toContain(slot.ec2InstanceType);
        },
      ),
      runs,
    );
  });

  it('SessionRequested data is consistent: whole seconds, one deadline at requestedAt + maxSessionLength', () => {
    fc.assert(
      fc.property(arbSessionRequestedData({ sessionId: 'fixed' }), (data) => {
        expect(data.sessionId).toBe('fixed');
        expect(data.requestedAt % 1000).toBe(0);
        const deadline = data.requestedAt + data.maxSessionLengthInMinutes * 60_000;
        expect(data.stopAllowed ? data.stopAt : data.terminateAt).toBe(deadline);
        expect(data.stopAllowed ? data.terminateAt : data.stopAt).toBeUndefined();
        expect(data.volumeConfiguration !== undefined).toBe(data.sessionPersistenceMode === 'ACTIVATED');
      }),
      runs,
    );
  });

  it('event sequences are of one session; histories are legal and end where they say', () => {
    fc.assert(
      fc.property(arbSessionEvents(), arbSessionHistory(), (events, history) => {
        expect(new Set(events.map((e) => e.data.sessionId)).size).toBeLessThanOrEqual(1);
        expect(history[0]!.type).toBe('SessionRequested');
        const state = replay(StreamingSession, history);
        const last = history[history.length - 1]!.type;
        const expected = {
          SessionRequested: 'CREATE_IN_PROGRESS',
          InstanceAllocated: 'CREATE_IN_PROGRESS',
          SessionReady: 'READY',
          SessionCreateFailed: 'CREATE_FAILED',
          StopRequested: 'STOP_IN_PROGRESS',
          SessionStopped: 'STOPPED',
          StopFailed: 'STOP_FAILED',
          StartRequested: 'START_IN_PROGRESS',
          SessionStarted: 'READY',
          StartFailed: 'START_FAILED',
          DeleteRequested: 'DELETE_IN_PROGRESS',
          SessionDeleted: 'DELETED',
          DeleteFailed: 'DELETE_FAILED',
        }[last];
        expect(state.state).toBe(expected);
        // Every event of a legal history is folded in: none is ignored as impossible.
        let folded = StreamingSession.initialState;
        for (const event of history) {
          const next = StreamingSession.evolve(folded, event);
          expect(next).not.toBe(folded);
          folded = next;
        }
      }),
      runs,
    );
  });
});

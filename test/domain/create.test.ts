import { describe, expect, it } from 'vitest';
import {
  RESOURCE_STATES,
  StreamingSession,
  type Caller,
  type CreateFacts,
  type StreamConfiguration,
} from 'nimble-streaming-sessions/domain';
import { checkCreateRules } from '../../src/domain/index.js';
import { DeciderSpecification } from 'nimble-streaming-sessions/testing';
import {
  ADMIN,
  EULA_2_ID,
  EULA_3_ID,
  EULA_ID,
  IAM_ROLE,
  IMAGE_2_ID,
  IMAGE_ID,
  LAUNCH_PROFILE_ID,
  MINUTE,
  NOW_S,
  OTHER_STUDIO_ID,
  OTHER_USER,
  SESSION_ID,
  STUDIO_ID,
  USER,
  admin,
  createCommand,
  iamCaller,
  image,
  launchProfile,
  member,
  memberElsewhere,
  nobody,
  requested,
  requestedWithDeadline,
  studio,
  studioAdmin,
  studioUser,
} from './fixtures.js';

const given = DeciderSpecification.for(StreamingSession);

const studioNotFound = {
  type: 'ResourceNotFoundException',
  code: 'STUDIO_NOT_FOUND',
  message: `The studio ${STUDIO_ID} does not exist.`,
  context: { resourceType: 'studio', resourceId: STUDIO_ID },
} as const;

const launchProfileNotFound = {
  type: 'ResourceNotFoundException',
  code: 'LAUNCH_PROFILE_NOT_FOUND',
  message: `The launch profile ${LAUNCH_PROFILE_ID} does not exist.`,
  context: { resourceType: 'launch profile', resourceId: LAUNCH_PROFILE_ID },
} as const;

function imageNotFound(id: string) {
  return {
    type: 'ResourceNotFoundException',
    code: 'STREAMING_IMAGE_NOT_FOUND',
    message: `The streaming image ${id} does not exist.`,
    context: { resourceType: 'streaming image', resourceId: id },
  } as const;
}

describe('CreateStreamingSession: the happy path', () => {
  it('emits one SessionRequested with the resolved defaults', () => {
    given([]).when(createCommand()).then([requested()]);
  });

  it('refuses to create a session that already exists (409 SESSION_ALREADY_EXISTS)', () => {
    given([requested()])
      .when(createCommand())
      .thenFails({
        type: 'ConflictException',
        code: 'SESSION_ALREADY_EXISTS',
        message: `The session ${SESSION_ID} already exists.`,
        context: { resourceId: SESSION_ID },
      });
  });
});

describe('CreateStreamingSession: studio (reference §4.2 step 1)', () => {
  it('studio missing: 404 with context.resourceId', () => {
    given([])
      .when(createCommand({ facts: { studio: undefined } }))
      .thenFails(studioNotFound);
  });

  it.each(RESOURCE_STATES.filter((s) => s !== 'READY'))('studio %s (not READY): 404', (state) => {
    given([])
      .when(createCommand({ facts: { studio: { ...studio, state } } }))
      .thenFails(studioNotFound);
  });

  it('studio foreign (the catalog answered for another studio): 404', () => {
    given([])
      .when(createCommand({ facts: { studio: { studioId: OTHER_STUDIO_ID, state: 'READY' } } }))
      .thenFails(studioNotFound);
  });
});

describe('CreateStreamingSession: launch profile (step 2)', () => {
  it('launch profile missing: 404 with context.resourceId', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: undefined } }))
      .thenFails(launchProfileNotFound);
  });

  it('launch profile of another studio: 404', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: launchProfile({}, { studioId: OTHER_STUDIO_ID }) } }))
      .thenFails(launchProfileNotFound);
  });

  it('launch profile with another id than requested: 404', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: launchProfile({}, { launchProfileId: IMAGE_ID }) } }))
      .thenFails(launchProfileNotFound);
  });

  it('launch profile DELETED: 404', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: launchProfile({}, { state: 'DELETED' }) } }))
      .thenFails(launchProfileNotFound);
  });

  it('launch profile UPDATE_IN_PROGRESS: 409 LAUNCH_PROFILE_NOT_READY', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: launchProfile({}, { state: 'UPDATE_IN_PROGRESS' }) } }))
      .thenFails({
        type: 'ConflictException',
        code: 'LAUNCH_PROFILE_NOT_READY',
        message: `The launch profile ${LAUNCH_PROFILE_ID} is UPDATE_IN_PROGRESS.`,
        context: { resourceId: LAUNCH_PROFILE_ID, state: 'UPDATE_IN_PROGRESS' },
      });
  });

  it.each(RESOURCE_STATES.filter((s) => s !== 'READY' && s !== 'DELETED'))(
    'launch profile %s: 409 with the state in context',
    (state) => {
      given([])
        .when(createCommand({ facts: { launchProfile: launchProfile({}, { state }) } }))
        .thenFailsMatching({ type: 'ConflictException', context: { resourceId: LAUNCH_PROFILE_ID, state } });
    },
  );
});

describe('CreateStreamingSession: instance type (step 3)', () => {
  it('instance type default: the first entry of ec2InstanceTypes', () => {
    given([])
      .when(
        createCommand({
          facts: { launchProfile: launchProfile({ ec2InstanceTypes: ['g3.4xlarge', 'g4dn.xlarge'] }) },
        }),
      )
      .then([requested({ ec2InstanceType: 'g3.4xlarge' })]);
  });

  it('instance type requested and allowed: used as is', () => {
    given([])
      .when(createCommand({ request: { ec2InstanceType: 'g4dn.2xlarge' } }))
      .then([requested({ ec2InstanceType: 'g4dn.2xlarge' })]);
  });

  it('instance type not allowed: 400 INSTANCE_TYPE_NOT_ALLOWED listing the allowed ones', () => {
    given([])
      .when(createCommand({ request: { ec2InstanceType: 'g5.xlarge' } }))
      .thenFails({
        type: 'ValidationException',
        code: 'INSTANCE_TYPE_NOT_ALLOWED',
        message: `The launch profile ${LAUNCH_PROFILE_ID} does not allow the instance type g5.xlarge.`,
        context: { field: 'ec2InstanceType', allowed: 'g4dn.xlarge,g4dn.2xlarge' },
      });
  });

  it('instance type: a profile without types (invalid data) cannot pick a default', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: launchProfile({ ec2InstanceTypes: [] }) } }))
      .thenFails({
        type: 'ValidationException',
        code: 'INSTANCE_TYPE_NOT_ALLOWED',
        message: `The launch profile ${LAUNCH_PROFILE_ID} does not allow the instance type (none).`,
        context: { field: 'ec2InstanceType', allowed: '' },
      });
  });
});

describe('CreateStreamingSession: streaming image (steps 4 and 5)', () => {
  it('image default: the first entry of streamingImageIds', () => {
    given([])
      .when(createCommand())
      .then([requested({ streamingImageId: IMAGE_ID })]);
  });

  it('image requested and allowed (not the first): used', () => {
    given([])
      .when(
        createCommand({
          request: { streamingImageId: IMAGE_2_ID },
          facts: { streamingImage: image({ streamingImageId: IMAGE_2_ID }) },
        }),
      )
      .then([requested({ streamingImageId: IMAGE_2_ID })]);
  });

  it('image not allowed by the launch profile: 400 STREAMING_IMAGE_NOT_ALLOWED', () => {
    given([])
      .when(
        createCommand({
          request: { streamingImageId: 'bm90LWFsbG93ZWQtaW1hZ2U' },
          facts: { streamingImage: image({ streamingImageId: 'bm90LWFsbG93ZWQtaW1hZ2U' }) },
        }),
      )
      .thenFails({
        type: 'ValidationException',
        code: 'STREAMING_IMAGE_NOT_ALLOWED',
        message: `The launch profile ${LAUNCH_PROFILE_ID} does not allow the streaming image bm90LWFsbG93ZWQtaW1hZ2U.`,
        context: { field: 'streamingImageId', allowed: `${IMAGE_ID},${IMAGE_2_ID}` },
      });
  });

  it('image: a profile without images (invalid data) cannot pick a default', () => {
    given([])
      .when(createCommand({ facts: { launchProfile: launchProfile({ streamingImageIds: [] }) } }))
      .thenFails({
        type: 'ValidationException',
        code: 'STREAMING_IMAGE_NOT_ALLOWED',
        message: `The launch profile ${LAUNCH_PROFILE_ID} does not allow the streaming image (none).`,
        context: { field: 'streamingImageId', allowed: '' },
      });
  });

  it('image missing from the catalog: 404', () => {
    given([])
      .when(createCommand({ facts: { streamingImage: undefined } }))
      .thenFails(imageNotFound(IMAGE_ID));
  });

  it('image: the catalog answered with another image: 404', () => {
    given([])
      .when(createCommand({ facts: { streamingImage: image({ streamingImageId: IMAGE_2_ID }) } }))
      .thenFails(imageNotFound(IMAGE_ID));
  });

  it('image foreign (a custom image of another studio): 404', () => {
    given([])
      .when(createCommand({ facts: { streamingImage: image({ owner: OTHER_STUDIO_ID }) } }))
      .thenFails(imageNotFound(IMAGE_ID));
  });

  it.each(['amazon', 'AMAZON'])('image owned by %s (Amazon-provided) is usable in any studio', (owner) => {
    given([])
      .when(createCommand({ facts: { streamingImage: image({ owner }) } }))
      .then([requested()]);
  });

  it('image DELETED: 404', () => {
    given([])
      .when(createCommand({ facts: { streamingImage: image({ state: 'DELETED' }) } }))
      .thenFails(imageNotFound(IMAGE_ID));
  });

  it('image not READY (UPDATE_IN_PROGRESS): 409 STREAMING_IMAGE_NOT_READY', () => {
    given([])
      .when(createCommand({ facts: { streamingImage: image({ state: 'UPDATE_IN_PROGRESS' }) } }))
      .thenFails({
        type: 'ConflictException',
        code: 'STREAMING_IMAGE_NOT_READY',
        message: `The streaming image ${IMAGE_ID} is UPDATE_IN_PROGRESS.`,
        context: { resourceId: IMAGE_ID, state: 'UPDATE_IN_PROGRESS' },
      });
  });

  it('image EULA not accepted: 400 EULA_NOT_ACCEPTED, context lists only the missing ids', () => {
    given([])
      .when(
        createCommand({
          facts: {
            streamingImage: image({ eulaIds: [EULA_ID, EULA_2_ID, EULA_3_ID] }),
            acceptedEulaIds: [EULA_2_ID],
          },
        }),
      )
      .thenFails({
        type: 'ValidationException',
        code: 'EULA_NOT_ACCEPTED',
        message: `The studio has not accepted the EULAs of the streaming image ${IMAGE_ID}.`,
        context: { streamingImageId: IMAGE_ID, eulaIds: `${EULA_ID},${EULA_3_ID}` },
      });
  });

  it('image without EULAs needs no acceptance', () => {
    given([])
      .when(createCommand({ facts: { streamingImage: image({ eulaIds: [] }), acceptedEulaIds: [] } }))
      .then([requested()]);
  });
});

describe('CreateStreamingSession: ownership (step 6, reference §4.6)', () => {
  it('IAM caller without ownedBy: 400 OWNED_BY_REQUIRED', () => {
    given([])
      .when(createCommand({ caller: iamCaller, facts: { caller: nobody, owner: nobody } }))
      .thenFails({
        type: 'ValidationException',
        code: 'OWNED_BY_REQUIRED',
        message: 'A caller without a studio identity must name the owner in ownedBy.',
        context: { field: 'ownedBy' },
      });
  });

  it('IAM caller with ownedBy a member: accepted, createdBy is the IAM caller', () => {
    given([])
      .when(createCommand({ caller: iamCaller, request: { ownedBy: USER }, facts: { caller: nobody } }))
      .then([requested({ ownedBy: USER, createdBy: IAM_ROLE })]);
  });

  it('IAM caller with ownedBy neither member nor admin: 400 OWNER_NOT_LAUNCH_PROFILE_MEMBER', () => {
    given([])
      .when(
        createCommand({
          caller: iamCaller,
          request: { ownedBy: OTHER_USER },
          facts: { caller: nobody, owner: nobody },
        }),
      )
      .thenFailsMatching({ type: 'ValidationException', code: 'OWNER_NOT_LAUNCH_PROFILE_MEMBER' });
  });

  it('non-admin naming themselves in ownedBy: accepted', () => {
    given([])
      .when(createCommand({ request: { ownedBy: USER } }))
      .then([requested()]);
  });

  it('non-admin creating for someone else: 403 CANNOT_CREATE_FOR_ANOTHER_USER', () => {
    given([])
      .when(createCommand({ request: { ownedBy: OTHER_USER } }))
      .thenFails({
        type: 'AccessDeniedException',
        code: 'CANNOT_CREATE_FOR_ANOTHER_USER',
        message: 'Only a studio administrator may create a session for another user.',
        context: { principalId: USER, ownedBy: OTHER_USER },
      });
  });

  it('non-admin not a member of the launch profile: 403 NOT_LAUNCH_PROFILE_MEMBER', () => {
    given([])
      .when(createCommand({ facts: { caller: memberElsewhere, owner: memberElsewhere } }))
      .thenFails({
        type: 'AccessDeniedException',
        code: 'NOT_LAUNCH_PROFILE_MEMBER',
        message: `The caller is not a member of the launch profile ${LAUNCH_PROFILE_ID}.`,
        context: { principalId: USER, launchProfileId: LAUNCH_PROFILE_ID },
      });
  });

  it('admin for a non-member owner: 400 OWNER_NOT_LAUNCH_PROFILE_MEMBER', () => {
    given([])
      .when(
        createCommand({
          caller: studioAdmin,
          request: { ownedBy: OTHER_USER },
          facts: { caller: admin, owner: nobody },
        }),
      )
      .thenFails({
        type: 'ValidationException',
        code: 'OWNER_NOT_LAUNCH_PROFILE_MEMBER',
        message: `The owner ${OTHER_USER} is neither a member of the launch profile ${LAUNCH_PROFILE_ID} nor a studio administrator.`,
        context: { field: 'ownedBy', ownedBy: OTHER_USER, launchProfileId: LAUNCH_PROFILE_ID },
      });
  });

  it('admin for an owner who is an admin (not a member): accepted', () => {
    given([])
      .when(
        createCommand({
          caller: studioAdmin,
          request: { ownedBy: OTHER_USER },
          facts: { caller: admin, owner: admin },
        }),
      )
      .then([requested({ ownedBy: OTHER_USER, createdBy: ADMIN })]);
  });

  it('admin for a member owner: accepted', () => {
    given([])
      .when(
        createCommand({
          caller: studioAdmin,
          request: { ownedBy: USER },
          facts: { caller: admin, owner: member },
        }),
      )
      .then([requested({ ownedBy: USER, createdBy: ADMIN })]);
  });

  it('admin for themselves without ownedBy (admins use every launch profile): accepted', () => {
    given([])
      .when(createCommand({ caller: studioAdmin, facts: { caller: admin, owner: admin } }))
      .then([requested({ ownedBy: ADMIN, createdBy: ADMIN })]);
  });
});

describe('CreateStreamingSession: tags (reference §8.12)', () => {
  const tags = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`key-${i}`, `value-${i}`]));

  it('50 tags: accepted and carried in the event', () => {
    given([])
      .when(createCommand({ request: { tags: tags(50) } }))
      .then([requested({ tags: tags(50) })]);
  });

  it('51 tags: 400 TOO_MANY_TAGS', () => {
    given([])
      .when(createCommand({ request: { tags: tags(51) } }))
      .thenFails({
        type: 'ValidationException',
        code: 'TOO_MANY_TAGS',
        message: 'A session may have at most 50 tags; got 51.',
        context: { field: 'tags', limit: '50' },
      });
  });

  it('empty key: 400 INVALID_TAG_KEY', () => {
    given([])
      .when(createCommand({ request: { tags: { '': 'v' } } }))
      .thenFails({
        type: 'ValidationException',
        code: 'INVALID_TAG_KEY',
        message: 'Tag keys must be 1 to 128 characters long.',
        context: { field: 'tags', tagKey: '' },
      });
  });

  it('128-character key and 256-character value: accepted; empty value: accepted', () => {
    const ok = { ['k'.repeat(128)]: 'v'.repeat(256), empty: '' };
    given([])
      .when(createCommand({ request: { tags: ok } }))
      .then([requested({ tags: ok })]);
  });

  it('129-character key: 400 INVALID_TAG_KEY', () => {
    given([])
      .when(createCommand({ request: { tags: { ['k'.repeat(129)]: 'v' } } }))
      .thenFails({
        type: 'ValidationException',
        code: 'INVALID_TAG_KEY',
        message: 'Tag keys must be 1 to 128 characters long.',
        context: { field: 'tags', tagKey: 'k'.repeat(129) },
      });
  });

  it('257-character value: 400 INVALID_TAG_VALUE', () => {
    given([])
      .when(createCommand({ request: { tags: { team: 'v'.repeat(257) } } }))
      .thenFails({
        type: 'ValidationException',
        code: 'INVALID_TAG_VALUE',
        message: 'Tag values may be at most 256 characters long.',
        context: { field: 'tags', tagKey: 'team' },
      });
  });

  it.each(['aws:createdBy', 'AWS:createdBy', 'Aws:x'])('reserved prefix %s: 400 RESERVED_TAG_KEY', (key) => {
    given([])
      .when(createCommand({ request: { tags: { [key]: 'v' } } }))
      .thenFails({
        type: 'ValidationException',
        code: 'RESERVED_TAG_KEY',
        message: 'Tag keys may not begin with "aws:".',
        context: { field: 'tags', tagKey: key },
      });
  });

  it('keys that only resemble the prefix (awsx, my-aws:) are accepted', () => {
    const ok = { awsx: '1', 'my-aws:': '2' };
    given([])
      .when(createCommand({ request: { tags: ok } }))
      .then([requested({ tags: ok })]);
  });
});

describe('CreateStreamingSession: frozen settings and defaults (reference §4.1, §4.4)', () => {
  const withConfig = (config: Partial<StreamConfiguration>) =>
    createCommand({ facts: { launchProfile: launchProfile(config) } });

  it('defaults: 690 minutes, 0 stopped minutes, DEACTIVATED modes, no backups, no volume', () => {
    given([])
      .when(withConfig({}))
      .then([
        requested({
          maxSessionLengthInMinutes: 690,
          maxStoppedSessionLengthInMinutes: 0,
          sessionPersistenceMode: 'DEACTIVATED',
          automaticTerminationMode: 'DEACTIVATED',
          backupMode: 'DEACTIVATED',
          maxBackupsToRetain: 0,
        }),
      ]);
  });

  it('persistence ACTIVATED without a volume: the volume defaults 500/125/3000 are frozen', () => {
    given([])
      .when(withConfig({ sessionPersistenceMode: 'ACTIVATED' }))
      .then([
        requestedWithDeadline(
          {
            sessionPersistenceMode: 'ACTIVATED',
            volumeConfiguration: { size: 500, throughput: 125, iops: 3000 },
            stopAllowed: true,
          },
          { stopAt: NOW_S + 690 * MINUTE },
        ),
      ]);
  });

  it('persistence ACTIVATED with a partial volume: the missing members take their defaults', () => {
    given([])
      .when(
        withConfig({ sessionPersistenceMode: 'ACTIVATED', volumeConfiguration: { size: 1000, iops: 4000 } }),
      )
      .then([
        requestedWithDeadline(
          {
            sessionPersistenceMode: 'ACTIVATED',
            volumeConfiguration: { size: 1000, throughput: 125, iops: 4000 },
            stopAllowed: true,
          },
          { stopAt: NOW_S + 690 * MINUTE },
        ),
      ]);
  });

  it('persistence DEACTIVATED: no volume is frozen, even if the profile (wrongly) holds one', () => {
    given([])
      .when(withConfig({ volumeConfiguration: { size: 1000, throughput: 500, iops: 5000 } }))
      .then([requested()]);
  });

  it('every explicit setting is copied as is', () => {
    given([])
      .when(
        withConfig({
          maxSessionLengthInMinutes: 120,
          maxStoppedSessionLengthInMinutes: 60,
          sessionPersistenceMode: 'ACTIVATED',
          automaticTerminationMode: 'ACTIVATED',
          volumeConfiguration: { size: 200, throughput: 250, iops: 6000 },
          sessionBackup: { mode: 'AUTOMATIC', maxBackupsToRetain: 5 },
        }),
      )
      .then([
        requestedWithDeadline(
          {
            maxSessionLengthInMinutes: 120,
            maxStoppedSessionLengthInMinutes: 60,
            sessionPersistenceMode: 'ACTIVATED',
            automaticTerminationMode: 'ACTIVATED',
            volumeConfiguration: { size: 200, throughput: 250, iops: 6000 },
            backupMode: 'AUTOMATIC',
            maxBackupsToRetain: 5,
            stopAllowed: true,
          },
          { stopAt: NOW_S + 120 * MINUTE },
        ),
      ]);
  });
});

describe('CreateStreamingSession: stopAt or terminateAt, one per §4.3 row', () => {
  const cases: readonly {
    row: string;
    config: Partial<StreamConfiguration>;
    stop: boolean;
  }[] = [
    { row: 'persistence absent, maxStopped absent: terminate', config: {}, stop: false },
    {
      row: 'persistence DEACTIVATED, maxStopped 0: terminate',
      config: { sessionPersistenceMode: 'DEACTIVATED', maxStoppedSessionLengthInMinutes: 0 },
      stop: false,
    },
    {
      row: 'persistence DEACTIVATED (legacy 2021), maxStopped > 0: stop',
      config: { sessionPersistenceMode: 'DEACTIVATED', maxStoppedSessionLengthInMinutes: 30 },
      stop: true,
    },
    {
      row: 'legacy profile, persistence absent, maxStopped > 0: stop',
      config: { maxStoppedSessionLengthInMinutes: 1 },
      stop: true,
    },
    {
      row: 'ACTIVATED, autoTermination absent (DEACTIVATED): stop',
      config: { sessionPersistenceMode: 'ACTIVATED' },
      stop: true,
    },
    {
      row: 'ACTIVATED, autoTermination DEACTIVATED: stop',
      config: { sessionPersistenceMode: 'ACTIVATED', automaticTerminationMode: 'DEACTIVATED' },
      stop: true,
    },
    {
      row: 'ACTIVATED, autoTermination ACTIVATED, maxStopped 0: terminate',
      config: {
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'ACTIVATED',
        maxStoppedSessionLengthInMinutes: 0,
      },
      stop: false,
    },
    {
      row: 'ACTIVATED, autoTermination ACTIVATED, maxStopped absent: terminate',
      config: { sessionPersistenceMode: 'ACTIVATED', automaticTerminationMode: 'ACTIVATED' },
      stop: false,
    },
    {
      row: 'ACTIVATED, autoTermination ACTIVATED, maxStopped > 0: stop',
      config: {
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'ACTIVATED',
        maxStoppedSessionLengthInMinutes: 5760,
      },
      stop: true,
    },
  ];

  it.each(cases)('$row', ({ config, stop }) => {
    const length = 43200;
    const result = StreamingSession.decide(
      createCommand({
        facts: { launchProfile: launchProfile({ ...config, maxSessionLengthInMinutes: length }) },
      }),
      StreamingSession.initialState,
    );
    const data = result._unsafeUnwrap()[0]!.data as Record<string, unknown>;
    const deadline = NOW_S + length * MINUTE;
    expect(data.stopAllowed).toBe(stop);
    if (stop) {
      expect(data.stopAt).toBe(deadline);
      expect('terminateAt' in data).toBe(false);
    } else {
      expect(data.terminateAt).toBe(deadline);
      expect('stopAt' in data).toBe(false);
    }
  });
});

describe('CreateStreamingSession: time, client token and rule order', () => {
  it('timestamps are truncated to whole seconds, and the deadline counts from the truncated time', () => {
    given([])
      .when(createCommand({ now: NOW_S + 999 }))
      .then([requested({ requestedAt: NOW_S, terminateAt: NOW_S + 690 * MINUTE })]);
  });

  it('client token and fingerprint are carried in SessionRequested', () => {
    given([])
      .when(createCommand({ clientToken: 'token-1', fingerprint: 'f'.repeat(64) }))
      .then([requested({ clientToken: 'token-1', fingerprint: 'f'.repeat(64) })]);
  });

  it('without a client token, the event has neither member (not even undefined)', () => {
    const data = StreamingSession.decide(createCommand(), StreamingSession.initialState)._unsafeUnwrap()[0]!
      .data;
    expect(Object.keys(data)).not.toContain('clientToken');
    expect(Object.keys(data)).not.toContain('fingerprint');
  });

  it('rule order: for a caller with standing, a missing studio is reported before everything else', () => {
    given([])
      .when(
        createCommand({
          caller: studioAdmin,
          request: { ec2InstanceType: 'g5.xlarge', ownedBy: OTHER_USER, tags: { 'aws:x': '' } },
          facts: { studio: undefined, launchProfile: undefined, streamingImage: undefined, caller: admin },
        }),
      )
      .thenFails(studioNotFound);
  });

  it('rule order: launch profile before instance type, instance type before image', () => {
    given([])
      .when(
        createCommand({
          request: { ec2InstanceType: 'g5.xlarge' },
          facts: {
            launchProfile: launchProfile({}, { state: 'UPDATE_IN_PROGRESS' }),
            streamingImage: undefined,
          },
        }),
      )
      .thenFailsMatching({ code: 'LAUNCH_PROFILE_NOT_READY' });
    given([])
      .when(
        createCommand({ request: { ec2InstanceType: 'g5.xlarge' }, facts: { streamingImage: undefined } }),
      )
      .thenFailsMatching({ code: 'INSTANCE_TYPE_NOT_ALLOWED' });
  });

  it('rule order: image before ownership, ownership before tags', () => {
    const forAnother = { caller: studioAdmin, request: { ownedBy: OTHER_USER } } as const;
    given([])
      .when(
        createCommand({ ...forAnother, facts: { streamingImage: undefined, caller: admin, owner: nobody } }),
      )
      .thenFailsMatching({ code: 'STREAMING_IMAGE_NOT_FOUND' });
    given([])
      .when(
        createCommand({
          ...forAnother,
          request: { ownedBy: OTHER_USER, tags: { 'aws:x': '' } },
          facts: { caller: admin, owner: nobody },
        }),
      )
      .thenFailsMatching({ code: 'OWNER_NOT_LAUNCH_PROFILE_MEMBER' });
  });
});

describe('CreateStreamingSession: standing first (step 0, reference §4.2)', () => {
  /** Every catalog a probing caller could be asking about: real, missing, or in another state. */
  const worlds = {
    'all present': {},
    'studio missing': { studio: undefined, launchProfile: undefined, streamingImage: undefined },
    'studio not READY': { studio: { ...studio, state: 'UPDATE_IN_PROGRESS' as const } },
    'launch profile missing': { launchProfile: undefined },
    'launch profile not READY': { launchProfile: launchProfile({}, { state: 'UPDATE_IN_PROGRESS' }) },
    'image missing': { streamingImage: undefined },
    'EULA not accepted': { acceptedEulaIds: [] },
  } as const;
  const requests = [{}, { ec2InstanceType: 'g5.xlarge' }, { streamingImageId: 'sid-elsewhere' }] as const;

  it('a studio user with no standing gets one AccessDeniedException, whatever exists', () => {
    const answers = new Set<string>();
    for (const world of Object.values(worlds)) {
      for (const request of requests) {
        const decision = StreamingSession.decide(
          createCommand({ request, facts: { ...world, caller: nobody, owner: nobody } }),
          StreamingSession.initialState,
        );
        answers.add(JSON.stringify(decision._unsafeUnwrapErr()));
      }
    }
    expect([...answers].map((a) => JSON.parse(a) as unknown)).toEqual([
      {
        type: 'AccessDeniedException',
        code: 'NOT_AUTHORIZED_IN_STUDIO',
        message: `The caller may not create streaming sessions in the studio ${STUDIO_ID}.`,
        context: { principalId: USER, studioId: STUDIO_ID },
      },
    ]);
  });

  it("a member of another launch profile learns nothing of this one's settings", () => {
    const answers = new Set<string>();
    for (const [name, world] of Object.entries(worlds)) {
      if (name.startsWith('studio')) continue; // a member of one of its profiles knows the studio exists
      for (const request of requests) {
        const decision = StreamingSession.decide(
          createCommand({ request, facts: { ...world, caller: memberElsewhere, owner: memberElsewhere } }),
          StreamingSession.initialState,
        );
        answers.add(JSON.stringify(decision._unsafeUnwrapErr()));
      }
    }
    expect([...answers].map((a) => JSON.parse(a) as unknown)).toEqual([
      {
        type: 'AccessDeniedException',
        code: 'NOT_LAUNCH_PROFILE_MEMBER',
        message: `The caller is not a member of the launch profile ${LAUNCH_PROFILE_ID}.`,
        context: { principalId: USER, launchProfileId: LAUNCH_PROFILE_ID },
      },
    ]);
  });

  it('administrators and IAM principals keep the detailed errors', () => {
    const detailed = (caller: Caller, facts: Partial<CreateFacts>, request = {}) =>
      StreamingSession.decide(
        createCommand({
          caller,
          request: { ownedBy: USER, ...request },
          facts: { caller: admin, owner: member, ...facts },
        }),
        StreamingSession.initialState,
      )._unsafeUnwrapErr().code;
    for (const caller of [studioAdmin, iamCaller]) {
      expect(detailed(caller, worlds['studio missing'])).toBe('STUDIO_NOT_FOUND');
      expect(detailed(caller, worlds['launch profile missing'])).toBe('LAUNCH_PROFILE_NOT_FOUND');
      expect(detailed(caller, {}, { ec2InstanceType: 'g5.xlarge' })).toBe('INSTANCE_TYPE_NOT_ALLOWED');
    }
  });

  it('checkCreateRules, which a handler runs before it loads the ledger, needs no session id, time or ledger', () => {
    const { caller, request, facts } = createCommand({ facts: { studio: undefined, caller: admin } });
    expect(checkCreateRules({ caller: studioAdmin, request, facts })._unsafeUnwrapErr().code).toBe(
      'STUDIO_NOT_FOUND',
    );
    expect(checkCreateRules(createCommand())._unsafeUnwrap()).toMatchObject({
      ec2InstanceType: 'g4dn.xlarge',
      streamingImageId: IMAGE_ID,
      ownedBy: USER,
    });
    expect(caller).toEqual(studioUser);
  });
});

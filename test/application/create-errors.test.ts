import { describe, expect, it } from 'vitest';
import type { Caller, CreateStreamingSessionInput } from 'nimble-streaming-sessions';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  EULA_PENDING,
  IMG,
  IMG_MISSING,
  IMG_UNACCEPTED,
  IMG_UPDATING,
  LP,
  LP_DELETED,
  LP_OTHER_STUDIO,
  LP_UPDATING,
  OUTSIDER,
  PIPELINE,
  STUDIO_ID,
  testService,
  UNREADY_STUDIO_ID,
} from './fixtures.js';
import { errorOf } from './results.js';

const base: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };

interface ErrorCase {
  readonly name: string;
  readonly input: unknown;
  readonly caller?: Caller;
  readonly type: string;
  readonly code: string;
  readonly context?: Record<string, string>;
}

const cases: readonly ErrorCase[] = [
  // Input schema (ajv): the error names the field and the rule.
  {
    name: 'a missing launchProfileId',
    input: { studioId: STUDIO_ID },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'launchProfileId', rule: 'required' },
  },
  {
    name: 'an unknown member',
    input: { ...base, instanceType: 'g4dn.xlarge' },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'instanceType', rule: 'additionalProperties' },
  },
  {
    name: 'an instance type outside the enum',
    input: { ...base, ec2InstanceType: 'm5.large' },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'ec2InstanceType', rule: 'enum' },
  },
  {
    name: 'a 65-character client token',
    input: { ...base, clientToken: 'x'.repeat(65) },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'clientToken', rule: 'maxLength' },
  },
  {
    name: 'an empty client token',
    input: { ...base, clientToken: '' },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'clientToken', rule: 'minLength' },
  },
  {
    name: 'a streaming image id with a bad character',
    input: { ...base, streamingImageId: 'img/1' },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'streamingImageId', rule: 'pattern' },
  },
  {
    name: 'a tag value that is not a string',
    input: { ...base, tags: { team: 3 } },
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
    context: { field: 'tags.team', rule: 'type' },
  },
  {
    name: 'an input that is not an object',
    input: 'CreateStreamingSession',
    type: 'ValidationException',
    code: 'INVALID_PARAMETER',
  },
  // Catalog lookups, in the documented order (reference §4.2).
  {
    name: 'an unknown studio',
    input: { ...base, studioId: 'us-west-2:stid-unknown000000000', ownedBy: ARTIST.principalId },
    caller: PIPELINE,
    type: 'ResourceNotFoundException',
    code: 'STUDIO_NOT_FOUND',
    context: { resourceId: 'us-west-2:stid-unknown000000000' },
  },
  {
    name: 'a studio that is not READY',
    input: { ...base, studioId: UNREADY_STUDIO_ID, ownedBy: ARTIST.principalId },
    caller: PIPELINE,
    type: 'ResourceNotFoundException',
    code: 'STUDIO_NOT_FOUND',
    context: { resourceId: UNREADY_STUDIO_ID },
  },
  {
    name: 'an unknown launch profile',
    input: { ...base, launchProfileId: 'LpUnknown' },
    caller: ADMIN,
    type: 'ResourceNotFoundException',
    code: 'LAUNCH_PROFILE_NOT_FOUND',
    context: { resourceId: 'LpUnknown' },
  },
  {
    name: "another studio's launch profile",
    input: { ...base, launchProfileId: LP_OTHER_STUDIO },
    caller: ADMIN,
    type: 'ResourceNotFoundException',
    code: 'LAUNCH_PROFILE_NOT_FOUND',
    context: { resourceId: LP_OTHER_STUDIO },
  },
  {
    name: 'a DELETED launch profile',
    input: { ...base, launchProfileId: LP_DELETED },
    caller: ADMIN,
    type: 'ResourceNotFoundException',
    code: 'LAUNCH_PROFILE_NOT_FOUND',
    context: { resourceId: LP_DELETED },
  },
  {
    name: 'a launch profile being updated',
    input: { ...base, launchProfileId: LP_UPDATING },
    caller: ADMIN,
    type: 'ConflictException',
    code: 'LAUNCH_PROFILE_NOT_READY',
    context: { resourceId: LP_UPDATING, state: 'UPDATE_IN_PROGRESS' },
  },
  {
    name: 'an instance type the launch profile does not allow',
    input: { ...base, ec2InstanceType: 'g4dn.4xlarge' },
    type: 'ValidationException',
    code: 'INSTANCE_TYPE_NOT_ALLOWED',
    context: { field: 'ec2InstanceType' },
  },
  {
    name: 'an image the launch profile does not allow',
    input: { ...base, streamingImageId: 'ImgNotInProfile' },
    type: 'ValidationException',
    code: 'STREAMING_IMAGE_NOT_ALLOWED',
    context: { field: 'streamingImageId' },
  },
  {
    name: 'an allowed image that does not exist',
    input: { ...base, streamingImageId: IMG_MISSING },
    type: 'ResourceNotFoundException',
    code: 'STREAMING_IMAGE_NOT_FOUND',
    context: { resourceId: IMG_MISSING },
  },
  {
    name: 'an image being updated',
    input: { ...base, streamingImageId: IMG_UPDATING },
    type: 'ConflictException',
    code: 'STREAMING_IMAGE_NOT_READY',
    context: { resourceId: IMG_UPDATING },
  },
  {
    name: 'an image whose EULA the studio has not accepted',
    input: { ...base, streamingImageId: IMG_UNACCEPTED },
    type: 'ValidationException',
    code: 'EULA_NOT_ACCEPTED',
    context: { streamingImageId: IMG_UNACCEPTED, eulaIds: EULA_PENDING },
  },
  // Standing first (reference §4.2 step 0), then membership and ownership (§4.6).
  {
    name: 'a studio user who is a member of no launch profile of the studio',
    input: base,
    caller: OUTSIDER,
    type: 'AccessDeniedException',
    code: 'NOT_AUTHORIZED_IN_STUDIO',
    context: { principalId: OUTSIDER.principalId, studioId: STUDIO_ID },
  },
  {
    name: 'a studio user who is not a member of this launch profile (checked before its state)',
    input: { ...base, launchProfileId: LP_UPDATING },
    caller: ARTIST,
    type: 'AccessDeniedException',
    code: 'NOT_LAUNCH_PROFILE_MEMBER',
    context: { principalId: ARTIST.principalId, launchProfileId: LP_UPDATING },
  },
  {
    name: 'a member creating for another user',
    input: { ...base, ownedBy: ARTIST_2.principalId },
    caller: ARTIST,
    type: 'AccessDeniedException',
    code: 'CANNOT_CREATE_FOR_ANOTHER_USER',
    context: { principalId: ARTIST.principalId, ownedBy: ARTIST_2.principalId },
  },
  {
    name: 'an admin creating for a non-member',
    input: { ...base, ownedBy: OUTSIDER.principalId },
    caller: ADMIN,
    type: 'ValidationException',
    code: 'OWNER_NOT_LAUNCH_PROFILE_MEMBER',
    context: { ownedBy: OUTSIDER.principalId },
  },
  {
    name: 'an IAM caller without ownedBy',
    input: base,
    caller: PIPELINE,
    type: 'ValidationException',
    code: 'OWNED_BY_REQUIRED',
    context: { field: 'ownedBy' },
  },
  // Tags (reference §8.12).
  {
    name: '51 tags',
    input: { ...base, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    type: 'ValidationException',
    code: 'TOO_MANY_TAGS',
  },
  {
    name: 'a reserved tag key',
    input: { ...base, tags: { 'AWS:team': 'x' } },
    type: 'ValidationException',
    code: 'RESERVED_TAG_KEY',
    context: { tagKey: 'AWS:team' },
  },
  {
    name: 'a 129-character tag key',
    input: { ...base, tags: { ['k'.repeat(129)]: 'x' } },
    type: 'ValidationException',
    code: 'INVALID_TAG_KEY',
  },
  {
    name: 'a 257-character tag value',
    input: { ...base, tags: { team: 'v'.repeat(257) } },
    type: 'ValidationException',
    code: 'INVALID_TAG_VALUE',
    context: { tagKey: 'team' },
  },
  // Quotas (reference §6): G5 defaults to 0.
  {
    name: 'a g5 instance while the G5 quota is 0',
    input: { ...base, ec2InstanceType: 'g5.xlarge' },
    type: 'ServiceQuotaExceededException',
    code: 'SERVICE_QUOTA_EXCEEDED',
    context: { quotaName: 'G5 streaming sessions per studio', limit: '0', current: '0' },
  },
];

describe('CreateStreamingSession errors', () => {
  it.each(cases)('answers $name with $type $code and writes nothing', async (c) => {
    const service = await testService();
    const result = await service.sessions.createStreamingSession(
      c.input as CreateStreamingSessionInput,
      c.caller ?? ARTIST,
    );
    const error = errorOf(result);
    expect(error).toMatchObject({ type: c.type, code: c.code, context: c.context ?? {} });
    expect(error.message.length).toBeGreaterThan(0);
    expect(await service.rows()).toEqual([]);
  });

  it('ignores null members, as the SDKs treat them as absent', async () => {
    const service = await testService();
    const input = { ...base, ec2InstanceType: null, streamingImageId: null, tags: null, clientToken: null };
    const result = await service.sessions.createStreamingSession(
      input as unknown as CreateStreamingSessionInput,
      ARTIST,
    );
    expect(result.isOk()).toBe(true);
    expect(result.map((s) => [s.ec2InstanceType, s.streamingImageId])._unsafeUnwrap()).toEqual([
      'g4dn.xlarge',
      IMG,
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CREATE_FAILURE_STATUS_CODES,
  ERROR_TYPES,
  STREAMING_INSTANCE_TYPES,
  STREAMING_SESSION_EVENT_TYPES,
  STREAMING_SESSION_STATES,
  STREAMING_SESSION_STATUS_CODES,
  TAG_LIMITS,
  accessDenied,
  checkTags,
  conflict,
  instanceFamily,
  internalError,
  quotaExceeded,
  resolveOwner,
  resolveStreamingImageId,
  resourceNotFound,
  throttled,
  toWholeSeconds,
  validationError,
} from 'nimble-streaming-sessions/domain';
import { IMAGE_2_ID, IMAGE_ID, USER, launchProfile, studioUser } from './fixtures.js';

describe('errors are plain data', () => {
  it('the seven API error types, in the model order', () => {
    expect(ERROR_TYPES).toStrictEqual([
      'ValidationException',
      'AccessDeniedException',
      'ResourceNotFoundException',
      'ConflictException',
      'ServiceQuotaExceededException',
      'ThrottlingException',
      'InternalServerErrorException',
    ]);
  });

  it('each factory sets its type, with an empty context by default', () => {
    const factories = [
      [validationError, 'ValidationException'],
      [accessDenied, 'AccessDeniedException'],
      [conflict, 'ConflictException'],
      [quotaExceeded, 'ServiceQuotaExceededException'],
      [throttled, 'ThrottlingException'],
      [internalError, 'InternalServerErrorException'],
    ] as const;
    for (const [make, type] of factories) {
      expect(make('CODE', 'message')).toStrictEqual({ type, code: 'CODE', message: 'message', context: {} });
      expect(make('CODE', 'm', { a: 'b' }).context).toStrictEqual({ a: 'b' });
    }
  });

  it('resourceNotFound derives an UPPER_SNAKE code from the resource type', () => {
    expect(resourceNotFound('streaming image', 'abc')).toStrictEqual({
      type: 'ResourceNotFoundException',
      code: 'STREAMING_IMAGE_NOT_FOUND',
      message: 'The streaming image abc does not exist.',
      context: { resourceType: 'streaming image', resourceId: 'abc' },
    });
    expect(resourceNotFound('launch-profile  x', 'y').code).toBe('LAUNCH_PROFILE_X_NOT_FOUND');
  });
});

describe('values', () => {
  it('the enums of the model', () => {
    expect(STREAMING_INSTANCE_TYPES).toHaveLength(13);
    expect(STREAMING_SESSION_STATES).toHaveLength(11);
    expect(STREAMING_SESSION_STATUS_CODES).toHaveLength(16);
    expect(CREATE_FAILURE_STATUS_CODES).toStrictEqual([
      'INSUFFICIENT_CAPACITY',
      'NETWORK_INTERFACE_ERROR',
      'ACTIVE_DIRECTORY_DOMAIN_JOIN_ERROR',
      'INITIALIZATION_SCRIPT_ERROR',
      'DECRYPT_STREAMING_IMAGE_ERROR',
      'AMI_VALIDATION_ERROR',
      'NETWORK_CONNECTION_ERROR',
      'INTERNAL_ERROR',
    ]);
    expect(STREAMING_SESSION_EVENT_TYPES).toStrictEqual([
      'SessionRequested',
      'InstanceAllocated',
      'SessionReady',
      'SessionCreateFailed',
      'StopRequested',
      'SessionStopped',
      'StopFailed',
      'StartRequested',
      'SessionStarted',
      'StartFailed',
      'DeleteRequested',
      'SessionDeleted',
      'DeleteFailed',
    ]);
  });

  it('instanceFamily is the text before the first dot', () => {
    expect(instanceFamily('g5.xlarge')).toBe('g5');
    expect(instanceFamily('g4dn.12xlarge')).toBe('g4dn');
    expect(instanceFamily('g3s.xlarge')).toBe('g3s');
    expect(instanceFamily('a.b.c')).toBe('a');
    expect(instanceFamily('nodot')).toBe('nodot');
    expect(instanceFamily('.x')).toBe('');
  });

  it('toWholeSeconds truncates towards the past', () => {
    expect(toWholeSeconds(1_700_000_000_999)).toBe(1_700_000_000_000);
    expect(toWholeSeconds(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(toWholeSeconds(-1)).toBe(-1000);
  });
});

describe('create helpers', () => {
  it('TAG_LIMITS are the usual AWS ones', () => {
    expect(TAG_LIMITS).toStrictEqual({
      maxTags: 50,
      maxKeyLength: 128,
      maxValueLength: 256,
      reservedPrefix: 'aws:',
    });
  });

  it('checkTags returns the tags themselves when valid, and reports the first bad key', () => {
    const tags = { a: '1', b: '2' };
    expect(checkTags(tags)._unsafeUnwrap()).toBe(tags);
    expect(checkTags({})._unsafeUnwrap()).toStrictEqual({});
    expect(
      checkTags({ ok: '', 'aws:x': '', ['k'.repeat(200)]: '' })._unsafeUnwrapErr().context,
    ).toStrictEqual({
      field: 'tags',
      tagKey: 'aws:x',
    });
  });

  it('resolveOwner: ownedBy when given, the caller otherwise', () => {
    expect(resolveOwner({}, studioUser)).toBe(USER);
    expect(resolveOwner({ ownedBy: 'someone' }, studioUser)).toBe('someone');
  });

  it('resolveStreamingImageId: the requested image, or the first of the profile', () => {
    expect(resolveStreamingImageId({}, launchProfile())).toBe(IMAGE_ID);
    expect(resolveStreamingImageId({ streamingImageId: IMAGE_2_ID }, launchProfile())).toBe(IMAGE_2_ID);
    expect(resolveStreamingImageId({}, launchProfile({ streamingImageIds: [] }))).toBeUndefined();
  });
});

import { err, ok, type Result } from 'neverthrow';
import { isStopAllowed, resolveStreamSettings, type LaunchProfile } from '../catalog.js';
import {
  accessDenied,
  conflict,
  resourceNotFound,
  validationError,
  type AccessDeniedException,
  type DomainError,
  type ValidationException,
} from '../errors.js';
import { MINUTE_MS, toWholeSeconds, type Tags } from '../values.js';
import type { Caller, CreateStreamingSession, CreateStreamingSessionRequest } from './commands.js';
import type { SessionRequested } from './events.js';

/** The usual AWS tag limits (reference §8.12); the model itself sets none. */
export const TAG_LIMITS = {
  maxTags: 50,
  maxKeyLength: 128,
  maxValueLength: 256,
  reservedPrefix: 'aws:',
} as const;

/** The image a request will run: the one it names, or the launch profile's first (reference §8.1). */
export function resolveStreamingImageId(
  request: Pick<CreateStreamingSessionRequest, 'streamingImageId'>,
  launchProfile: LaunchProfile,
): string | undefined {
  return request.streamingImageId ?? launchProfile.streamConfiguration.streamingImageIds[0];
}

/** The session's owner: `ownedBy` when given, otherwise the caller (reference §4.6). */
export function resolveOwner(
  request: Pick<CreateStreamingSessionRequest, 'ownedBy'>,
  caller: Caller,
): string {
  return request.ownedBy ?? caller.principalId;
}

/**
 * Whether `text` has at most `max` characters, counted as Unicode code points as AWS counts tag lengths:
 * an emoji outside the BMP is one character, though two UTF-16 units in a JavaScript string.
 */
function atMostCodePoints(text: string, max: number): boolean {
  // A string is never more code points than UTF-16 units, nor fewer than half as many.
  if (text.length <= max) return true;
  if (text.length > 2 * max) return false;
  // Iterating a string visits code points, not grapheme clusters: exactly what is counted here.
  let count = 0;
  for (const _codePoint of text) if (++count > max) return false;
  return true;
}

/**
 * Checks the tag limits of §8.12: at most 50 tags, keys 1–128 characters, values 0–256, no `aws:` prefix.
 * Lengths are in Unicode code points.
 */
export function checkTags(tags: Tags): Result<Tags, ValidationException> {
  const keys = Object.keys(tags);
  if (keys.length > TAG_LIMITS.maxTags) {
    return err(
      validationError(
        'TOO_MANY_TAGS',
        `A session may have at most ${TAG_LIMITS.maxTags} tags; got ${keys.length}.`,
        {
          field: 'tags',
          limit: String(TAG_LIMITS.maxTags),
        },
      ),
    );
  }
  for (const key of keys) {
    if (key.length < 1 || !atMostCodePoints(key, TAG_LIMITS.maxKeyLength)) {
      return err(
        validationError(
          'INVALID_TAG_KEY',
          `Tag keys must be 1 to ${TAG_LIMITS.maxKeyLength} characters long.`,
          {
            field: 'tags',
            tagKey: key,
          },
        ),
      );
    }
    if (key.toLowerCase().startsWith(TAG_LIMITS.reservedPrefix)) {
      return err(
        validationError('RESERVED_TAG_KEY', `Tag keys may not begin with "${TAG_LIMITS.reservedPrefix}".`, {
          field: 'tags',
          tagKey: key,
        }),
      );
    }
    if (!atMostCodePoints(tags[key] ?? '', TAG_LIMITS.maxValueLength)) {
      return err(
        validationError(
          'INVALID_TAG_VALUE',
          `Tag values may be at most ${TAG_LIMITS.maxValueLength} characters long.`,
          {
            field: 'tags',
            tagKey: key,
          },
        ),
      );
    }
  }
  return ok(tags);
}

/**
 * Step 0 of §4.2, standing first: nothing about the studio or the launch profile is told to a caller who
 * may not launch there. IAM callers and studio administrators have standing; a studio user has it as a
 * member of one of the studio's launch profiles, and must be a member of the requested one. Both refusals
 * carry only what the caller sent, so they read the same whether the studio and profile exist or not.
 */
export function checkCreateStanding(
  command: Pick<CreateStreamingSession, 'caller' | 'request' | 'facts'>,
): Result<void, AccessDeniedException> {
  const { caller, request, facts } = command;
  if (caller.kind === 'IAM' || facts.caller.isStudioAdmin) return ok(undefined);
  const inStudio = facts.caller.isMemberOfAnyLaunchProfile ?? facts.caller.isLaunchProfileMember;
  if (!inStudio && !facts.caller.isLaunchProfileMember) {
    return err(
      accessDenied(
        'NOT_AUTHORIZED_IN_STUDIO',
        `The caller may not create streaming sessions in the studio ${request.studioId}.`,
        { principalId: caller.principalId, studioId: request.studioId },
      ),
    );
  }
  if (!facts.caller.isLaunchProfileMember) {
    return err(
      accessDenied(
        'NOT_LAUNCH_PROFILE_MEMBER',
        `The caller is not a member of the launch profile ${request.launchProfileId}.`,
        { principalId: caller.principalId, launchProfileId: request.launchProfileId },
      ),
    );
  }
  return ok(undefined);
}

function checkStudioAndLaunchProfile(
  command: Pick<CreateStreamingSession, 'request' | 'facts'>,
): Result<LaunchProfile, DomainError> {
  const { request, facts } = command;
  if (facts.studio?.studioId !== request.studioId || facts.studio.state !== 'READY') {
    return err(resourceNotFound('studio', request.studioId));
  }
  const profile = facts.launchProfile;
  if (
    profile?.launchProfileId !== request.launchProfileId ||
    profile.studioId !== request.studioId ||
    profile.state === 'DELETED'
  ) {
    return err(resourceNotFound('launch profile', request.launchProfileId));
  }
  if (profile.state !== 'READY') {
    return err(
      conflict(
        'LAUNCH_PROFILE_NOT_READY',
        `The launch profile ${profile.launchProfileId} is ${profile.state}.`,
        {
          resourceId: profile.launchProfileId,
          state: profile.state,
        },
      ),
    );
  }
  return ok(profile);
}

function resolveInstanceType(
  request: CreateStreamingSessionRequest,
  profile: LaunchProfile,
): Result<string, DomainError> {
  const allowed = profile.streamConfiguration.ec2InstanceTypes;
  const instanceType = request.ec2InstanceType ?? allowed[0];
  if (instanceType === undefined || !allowed.some((t) => t === instanceType)) {
    return err(
      validationError(
        'INSTANCE_TYPE_NOT_ALLOWED',
        `The launch profile ${profile.launchProfileId} does not allow the instance type ${instanceType ?? '(none)'}.`,
        { field: 'ec2InstanceType', allowed: allowed.join(',') },
      ),
    );
  }
  return ok(instanceType);
}

function resolveImage(
  command: Pick<CreateStreamingSession, 'request' | 'facts'>,
  profile: LaunchProfile,
): Result<string, DomainError> {
  const { facts } = command;
  const allowed = profile.streamConfiguration.streamingImageIds;
  const imageId = resolveStreamingImageId(command.request, profile);
  if (imageId === undefined || !allowed.includes(imageId)) {
    return err(
      validationError(
        'STREAMING_IMAGE_NOT_ALLOWED',
        `The launch profile ${profile.launchProfileId} does not allow the streaming image ${imageId ?? '(none)'}.`,
        { field: 'streamingImageId', allowed: allowed.join(',') },
      ),
    );
  }
  const image = facts.streamingImage;
  const ownedHere = image?.owner === command.request.studioId || image?.owner.toLowerCase() === 'amazon';
  if (image?.streamingImageId !== imageId || !ownedHere || image.state === 'DELETED') {
    return err(resourceNotFound('streaming image', imageId));
  }
  if (image.state !== 'READY') {
    return err(
      conflict('STREAMING_IMAGE_NOT_READY', `The streaming image ${imageId} is ${image.state}.`, {
        resourceId: imageId,
        state: image.state,
      }),
    );
  }
  const missing = image.eulaIds.filter((id) => !facts.acceptedEulaIds.includes(id));
  if (missing.length > 0) {
    return err(
      validationError(
        'EULA_NOT_ACCEPTED',
        `The studio has not accepted the EULAs of the streaming image ${imageId}.`,
        {
          streamingImageId: imageId,
          eulaIds: missing.join(','),
        },
      ),
    );
  }
  return ok(imageId);
}

/** §4.6: who may create a session for whom. Returns the owner. */
function checkOwnership(
  command: Pick<CreateStreamingSession, 'caller' | 'request' | 'facts'>,
): Result<string, DomainError> {
  const { caller, request, facts } = command;
  if (caller.kind === 'IAM' && request.ownedBy === undefined) {
    return err(
      validationError(
        'OWNED_BY_REQUIRED',
        'A caller without a studio identity must name the owner in ownedBy.',
        {
          field: 'ownedBy',
        },
      ),
    );
  }
  const owner = resolveOwner(request, caller);
  const callerIsAdmin = caller.kind === 'IAM' || facts.caller.isStudioAdmin;
  if (!callerIsAdmin) {
    if (owner !== caller.principalId) {
      return err(
        accessDenied(
          'CANNOT_CREATE_FOR_ANOTHER_USER',
          'Only a studio administrator may create a session for another user.',
          {
            principalId: caller.principalId,
            ownedBy: owner,
          },
        ),
      );
    }
    // Membership of the profile was checked first, with the standing (step 0).
    return ok(owner);
  }
  if (!facts.owner.isLaunchProfileMember && !facts.owner.isStudioAdmin) {
    return err(
      validationError(
        'OWNER_NOT_LAUNCH_PROFILE_MEMBER',
        `The owner ${owner} is neither a member of the launch profile ${request.launchProfileId} nor a studio administrator.`,
        { field: 'ownedBy', ownedBy: owner, launchProfileId: request.launchProfileId },
      ),
    );
  }
  return ok(owner);
}

/** What the create rules resolved: the session's launch profile, instance type, image, owner and tags. */
export interface CreateResolution {
  readonly profile: LaunchProfile;
  readonly ec2InstanceType: string;
  readonly streamingImageId: string;
  readonly ownedBy: string;
  readonly tags: Tags;
}

/**
 * Every create rule but the quota (reference §4.2 steps 0–6), in the documented order, so the first broken
 * rule is the one reported. It needs no session id, time or ledger: a handler runs it before it loads
 * anything the studio's existence has not yet justified (the quota ledger above all).
 */
export function checkCreateRules(
  command: Pick<CreateStreamingSession, 'caller' | 'request' | 'facts'>,
): Result<CreateResolution, DomainError> {
  return checkCreateStanding(command).andThen(() =>
    checkStudioAndLaunchProfile(command).andThen((profile) =>
      resolveInstanceType(command.request, profile).andThen((ec2InstanceType) =>
        resolveImage(command, profile).andThen((streamingImageId) =>
          checkOwnership(command).andThen((ownedBy) =>
            checkTags(command.request.tags ?? {}).map((tags) => ({
              profile,
              ec2InstanceType,
              streamingImageId,
              ownedBy,
              tags,
            })),
          ),
        ),
      ),
    ),
  );
}

/**
 * The create decision (reference §4.2 steps 0–6 and §4.3–§4.5): every rule but the quota, which the ledger
 * decides, then the session's first event.
 */
export function decideCreate(
  command: CreateStreamingSession,
): Result<readonly [SessionRequested], DomainError> {
  return checkCreateRules(command).map(({ profile, ec2InstanceType, streamingImageId, ownedBy, tags }) => {
    const requestedAt = toWholeSeconds(command.now);
    const settings = resolveStreamSettings(profile.streamConfiguration);
    const stopAllowed = isStopAllowed(settings);
    const deadline = requestedAt + settings.maxSessionLengthInMinutes * MINUTE_MS;
    const event: SessionRequested = {
      type: 'SessionRequested',
      version: 1,
      data: {
        sessionId: command.sessionId,
        studioId: command.request.studioId,
        launchProfileId: profile.launchProfileId,
        ec2InstanceType,
        streamingImageId,
        ownedBy,
        createdBy: command.caller.principalId,
        tags,
        requestedAt,
        ...settings,
        stopAllowed,
        ...(stopAllowed ? { stopAt: deadline } : { terminateAt: deadline }),
        ...(command.clientToken === undefined ? {} : { clientToken: command.clientToken }),
        ...(command.fingerprint === undefined ? {} : { fingerprint: command.fingerprint }),
      },
    };
    return [event] as const;
  });
}

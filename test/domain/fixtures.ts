/**
 * Example-based fixtures for the domain tests: one valid create, and builders that change one fact at a time.
 * Ids have the real services' shapes (reference §5).
 */
import {
  type Caller,
  type CreateFacts,
  type CreateStreamingSession,
  type CreateStreamingSessionRequest,
  type LaunchProfile,
  type SessionRequested,
  type SessionRequestedData,
  type StreamConfiguration,
  type StreamingImage,
  type StreamingSessionEvent,
  type Studio,
} from 'nimble-streaming-sessions/domain';

export const STUDIO_ID = 'us-west-2:stid-nyoqq12fteqy1x48';
export const OTHER_STUDIO_ID = 'eu-west-1:stid-a1b2c3d4e5f6g7h8';
export const LAUNCH_PROFILE_ID = 'yeG7lDwNQEiwNTRT7DrV7Q';
export const IMAGE_ID = 'Cw_jXnp1QcSSXhE2hkNRoQ';
export const IMAGE_2_ID = '_hR_-RaAReSOjAnLakbX7Q';
export const SESSION_ID = 'Y2Vzc2lvbi1pZC0wMDAwMQ';
export const EULA_ID = 'ZXVsYS1vbmUtMDAwMDAwMQ';
export const EULA_2_ID = 'ZXVsYS10d28tMDAwMDAwMg';
export const EULA_3_ID = 'ZXVsYS10aHJlZS0wMDAwMw';
export const USER = '92677b4b19-e9fd012a-94ad-4f16-9866-c69a63ab6486';
export const OTHER_USER = '1a2b3c4d5e-11111111-2222-4333-8444-555555555555';
export const ADMIN = '0f0f0f0f0f-aaaaaaaa-bbbb-4ccc-9ddd-eeeeeeeeeeee';
export const IAM_ROLE = 'AROA3OO2NEHCCYRNDDIFT:i-00b98256b04d9e989';
export const INSTANCE_ID = 'i-0123456789abcdef0';

/** 2024-01-02T03:04:05.678Z: deliberately not a whole second. */
export const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
/** NOW truncated to whole seconds. */
export const NOW_S = Date.UTC(2024, 0, 2, 3, 4, 5);
export const MINUTE = 60_000;

export const studio: Studio = { studioId: STUDIO_ID, state: 'READY' };

export const baseStreamConfiguration: StreamConfiguration = {
  clipboardMode: 'ENABLED',
  ec2InstanceTypes: ['g4dn.xlarge', 'g4dn.2xlarge'],
  streamingImageIds: [IMAGE_ID, IMAGE_2_ID],
};

/** A READY launch profile of STUDIO_ID; `config` replaces members of the base stream configuration. */
export function launchProfile(
  config: Partial<StreamConfiguration> = {},
  overrides: Partial<LaunchProfile> = {},
): LaunchProfile {
  return {
    launchProfileId: LAUNCH_PROFILE_ID,
    studioId: STUDIO_ID,
    state: 'READY',
    streamConfiguration: { ...baseStreamConfiguration, ...config },
    ...overrides,
  };
}

export function image(overrides: Partial<StreamingImage> = {}): StreamingImage {
  return { streamingImageId: IMAGE_ID, owner: STUDIO_ID, state: 'READY', eulaIds: [EULA_ID], ...overrides };
}

export const member = { isStudioAdmin: false, isLaunchProfileMember: true } as const;
export const admin = { isStudioAdmin: true, isLaunchProfileMember: false } as const;
export const nobody = { isStudioAdmin: false, isLaunchProfileMember: false } as const;
/** A studio user with standing in the studio (a member of another of its launch profiles), not of this one. */
export const memberElsewhere = {
  isStudioAdmin: false,
  isLaunchProfileMember: false,
  isMemberOfAnyLaunchProfile: true,
} as const;

export const studioUser: Caller = { principalId: USER, kind: 'STUDIO_USER' };
export const studioAdmin: Caller = { principalId: ADMIN, kind: 'STUDIO_USER' };
export const iamCaller: Caller = { principalId: IAM_ROLE, kind: 'IAM' };

export interface CreateOverrides {
  readonly request?: Partial<CreateStreamingSessionRequest>;
  readonly facts?: Partial<CreateFacts>;
  readonly caller?: Caller;
  readonly now?: number;
  readonly clientToken?: string;
  readonly fingerprint?: string;
}

/**
 * A create that every rule accepts: a plain member creating for themselves on a READY profile, with the
 * default instance type and image. Each override changes one thing.
 */
export function createCommand(overrides: CreateOverrides = {}): CreateStreamingSession {
  return {
    type: 'CreateStreamingSession',
    sessionId: SESSION_ID,
    now: overrides.now ?? NOW,
    caller: overrides.caller ?? studioUser,
    request: { studioId: STUDIO_ID, launchProfileId: LAUNCH_PROFILE_ID, ...overrides.request },
    facts: {
      studio,
      launchProfile: launchProfile(),
      streamingImage: image(),
      acceptedEulaIds: [EULA_ID],
      caller: member,
      owner: member,
      ...overrides.facts,
    },
    ...(overrides.clientToken === undefined ? {} : { clientToken: overrides.clientToken }),
    ...(overrides.fingerprint === undefined ? {} : { fingerprint: overrides.fingerprint }),
  };
}

/** The SessionRequested data of the default create: 690 minutes, no persistence, terminate at the end. */
export const baseRequestedData: SessionRequestedData = {
  sessionId: SESSION_ID,
  studioId: STUDIO_ID,
  launchProfileId: LAUNCH_PROFILE_ID,
  ec2InstanceType: 'g4dn.xlarge',
  streamingImageId: IMAGE_ID,
  ownedBy: USER,
  createdBy: USER,
  tags: {},
  requestedAt: NOW_S,
  maxSessionLengthInMinutes: 690,
  maxStoppedSessionLengthInMinutes: 0,
  sessionPersistenceMode: 'DEACTIVATED',
  automaticTerminationMode: 'DEACTIVATED',
  backupMode: 'DEACTIVATED',
  maxBackupsToRetain: 0,
  stopAllowed: false,
  terminateAt: NOW_S + 690 * MINUTE,
};

export function requested(data: Partial<SessionRequestedData> = {}): SessionRequested {
  return { type: 'SessionRequested', version: 1, data: { ...baseRequestedData, ...data } };
}

/** `requested()` with the deadline members replaced (so stopAt and terminateAt never both appear). */
export function requestedWithDeadline(
  data: Omit<Partial<SessionRequestedData>, 'stopAt' | 'terminateAt'>,
  deadline: { stopAt: number } | { terminateAt: number },
): SessionRequested {
  const { stopAt: _s, terminateAt: _t, ...rest } = { ...baseRequestedData, ...data };
  return { type: 'SessionRequested', version: 1, data: { ...rest, ...deadline } };
}

export const T1 = NOW_S + 30_000;
export const T2 = NOW_S + 90_000;

export function allocated(instanceId = INSTANCE_ID, at = T1): StreamingSessionEvent {
  return {
    type: 'InstanceAllocated',
    version: 1,
    data: { sessionId: SESSION_ID, instanceId, allocatedAt: at },
  };
}

export function ready(at = T2): StreamingSessionEvent {
  return { type: 'SessionReady', version: 1, data: { sessionId: SESSION_ID, readyAt: at } };
}

export function createFailed(at = T2): StreamingSessionEvent {
  return {
    type: 'SessionCreateFailed',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      statusCode: 'INSUFFICIENT_CAPACITY',
      statusMessage: 'No g4dn capacity.',
      failedAt: at,
    },
  };
}

// ----------------------------------------------------------------------------------- the lifecycle

/** Later steps of a session's life, each a minute apart, whole seconds. */
export const T3 = NOW_S + 10 * MINUTE;
export const T4 = NOW_S + 11 * MINUTE;
export const T5 = NOW_S + 20 * MINUTE;
export const T6 = NOW_S + 21 * MINUTE;
export const T7 = NOW_S + 30 * MINUTE;
export const T8 = NOW_S + 31 * MINUTE;

export const BACKUP_1 = 'YmFja3VwLW9uZS0wMDAwMQ';
export const BACKUP_2 = 'YmFja3VwLXR3by0wMDAwMg';
export const BACKUP_3 = 'YmFja3VwLXRocmVlLTAwMw';

/**
 * A session that may be stopped (persistence and automatic termination ACTIVATED, 120 stopped minutes),
 * with automatic backups of which 2 are kept: `stopAt` at createdAt + 690 minutes.
 */
export function stoppableRequested(data: Partial<SessionRequestedData> = {}): SessionRequested {
  return requestedWithDeadline(
    {
      sessionPersistenceMode: 'ACTIVATED',
      automaticTerminationMode: 'ACTIVATED',
      maxStoppedSessionLengthInMinutes: 120,
      backupMode: 'AUTOMATIC',
      maxBackupsToRetain: 2,
      volumeConfiguration: { size: 500, throughput: 125, iops: 3000 },
      stopAllowed: true,
      ...data,
    },
    { stopAt: NOW_S + 690 * MINUTE },
  );
}

export function stopRequested(
  at = T3,
  stoppedBy = USER,
  extra: { automatic?: boolean; volumeRetentionMode?: 'RETAIN' | 'DELETE' } = {},
): StreamingSessionEvent {
  const { automatic = false, volumeRetentionMode } = extra;
  return {
    type: 'StopRequested',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      stoppedAt: at,
      stoppedBy,
      automatic,
      ...(volumeRetentionMode === undefined ? {} : { volumeRetentionMode }),
    },
  };
}

export function sessionStopped(
  at = T4,
  extra: { backupId?: string; removedBackupIds?: readonly string[]; terminateAt?: number } = {},
): StreamingSessionEvent {
  const { backupId, removedBackupIds = [], terminateAt } = extra;
  return {
    type: 'SessionStopped',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      completedAt: at,
      ...(backupId === undefined ? {} : { backupId }),
      removedBackupIds,
      ...(terminateAt === undefined ? {} : { terminateAt }),
    },
  };
}

export function stopFailed(at = T4): StreamingSessionEvent {
  return {
    type: 'StopFailed',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      statusCode: 'INTERNAL_ERROR',
      statusMessage: 'Stop failed.',
      failedAt: at,
    },
  };
}

export function startRequested(
  at = T5,
  startedBy = USER,
  extra: { backupId?: string; stopAt?: number; terminateAt?: number } = {},
): StreamingSessionEvent {
  const { backupId, stopAt, terminateAt } = extra;
  return {
    type: 'StartRequested',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      startedAt: at,
      startedBy,
      ...(backupId === undefined ? {} : { backupId }),
      ...(stopAt === undefined && terminateAt === undefined ? { stopAt: at + 690 * MINUTE } : {}),
      ...(stopAt === undefined ? {} : { stopAt }),
      ...(terminateAt === undefined ? {} : { terminateAt }),
    },
  };
}

export function sessionStarted(at = T6): StreamingSessionEvent {
  return { type: 'SessionStarted', version: 1, data: { sessionId: SESSION_ID, readyAt: at } };
}

export function startFailed(at = T6): StreamingSessionEvent {
  return {
    type: 'StartFailed',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      statusCode: 'INSUFFICIENT_CAPACITY',
      statusMessage: 'No capacity to start.',
      failedAt: at,
    },
  };
}

export function deleteRequested(at = T7, requestedBy = USER, automatic = false): StreamingSessionEvent {
  return {
    type: 'DeleteRequested',
    version: 1,
    data: { sessionId: SESSION_ID, requestedAt: at, requestedBy, automatic },
  };
}

export function sessionDeleted(at = T8): StreamingSessionEvent {
  return {
    type: 'SessionDeleted',
    version: 1,
    data: { sessionId: SESSION_ID, deletedAt: at, ec2InstanceType: 'g4dn.xlarge', ownedBy: USER },
  };
}

export function deleteFailed(at = T8): StreamingSessionEvent {
  return {
    type: 'DeleteFailed',
    version: 1,
    data: {
      sessionId: SESSION_ID,
      statusCode: 'INTERNAL_ERROR',
      statusMessage: 'The ENI could not be deleted.',
      failedAt: at,
    },
  };
}

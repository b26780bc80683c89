import type {
  AutomaticTerminationMode,
  CreateFailureStatusCode,
  Instant,
  SessionBackupMode,
  SessionPersistenceMode,
  Tags,
  VolumeConfiguration,
} from '../values.js';

/**
 * Everything a session needs for the rest of its life, fixed when the create is accepted: the resolved
 * instance type and image, who owns and who created it, the frozen copy of the launch profile's
 * persistence / backup / volume / termination settings, the computed deadlines, and the client token with
 * the request's fingerprint (so that a rebuild from events restores the de-duplication index).
 */
export interface SessionRequestedData {
  readonly sessionId: string;
  readonly studioId: string;
  readonly launchProfileId: string;
  readonly ec2InstanceType: string;
  readonly streamingImageId: string;
  readonly ownedBy: string;
  readonly createdBy: string;
  readonly tags: Tags;
  readonly requestedAt: Instant;
  readonly maxSessionLengthInMinutes: number;
  readonly maxStoppedSessionLengthInMinutes: number;
  readonly sessionPersistenceMode: SessionPersistenceMode;
  readonly automaticTerminationMode: AutomaticTerminationMode;
  readonly backupMode: SessionBackupMode;
  readonly maxBackupsToRetain: number;
  readonly volumeConfiguration?: VolumeConfiguration;
  /** Whether Stop is allowed on this session (reference §4.3), frozen with the settings it derives from. */
  readonly stopAllowed: boolean;
  readonly stopAt?: Instant;
  readonly terminateAt?: Instant;
  readonly clientToken?: string;
  readonly fingerprint?: string;
}

export interface SessionRequested {
  readonly type: 'SessionRequested';
  readonly version: 1;
  readonly data: SessionRequestedData;
}

/** The provisioner gave the session an instance. Internal: the API state stays CREATE_IN_PROGRESS. */
export interface InstanceAllocated {
  readonly type: 'InstanceAllocated';
  readonly version: 1;
  readonly data: { readonly sessionId: string; readonly instanceId: string; readonly allocatedAt: Instant };
}

export interface SessionReady {
  readonly type: 'SessionReady';
  readonly version: 1;
  readonly data: { readonly sessionId: string; readonly readyAt: Instant };
}

export interface SessionCreateFailed {
  readonly type: 'SessionCreateFailed';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly statusCode: CreateFailureStatusCode;
    readonly statusMessage: string;
    readonly failedAt: Instant;
  };
}

/**
 * Every event of a streaming-session stream. The lifecycle (StopRequested, SessionStopped, StopFailed,
 * StartRequested, SessionStarted, StartFailed, DeleteRequested, SessionDeleted, DeleteFailed) joins this
 * union when Stop, Start and Delete are built; `evolve` is written so that adding them is additive.
 */
export type StreamingSessionEvent = SessionRequested | InstanceAllocated | SessionReady | SessionCreateFailed;

export type StreamingSessionEventType = StreamingSessionEvent['type'];

/** The event type names, in one place, for stores and serializers. */
export const STREAMING_SESSION_EVENT_TYPES = [
  'SessionRequested',
  'InstanceAllocated',
  'SessionReady',
  'SessionCreateFailed',
] as const satisfies readonly StreamingSessionEventType[];

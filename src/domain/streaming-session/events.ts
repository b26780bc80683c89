import type {
  AutomaticTerminationMode,
  CreateFailureStatusCode,
  DeleteFailureStatusCode,
  Instant,
  SessionBackupMode,
  SessionPersistenceMode,
  StartFailureStatusCode,
  StopFailureStatusCode,
  Tags,
  VolumeConfiguration,
  VolumeRetentionMode,
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
 * A Stop was accepted: the session enters STOP_IN_PROGRESS. `stoppedAt`/`stoppedBy` are the API's fields
 * of the same names; `stoppedBy` is SYSTEM_PRINCIPAL_ID for the automatic stop at `stopAt`. An omitted
 * `volumeRetentionMode` clears the previous Stop's value (the field shows the last request's).
 */
export interface StopRequested {
  readonly type: 'StopRequested';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly stoppedAt: Instant;
    readonly stoppedBy: string;
    readonly automatic: boolean;
    readonly volumeRetentionMode?: VolumeRetentionMode;
  };
}

/**
 * The instance is stopped. `backupId` is the backup taken while stopping (backups AUTOMATIC);
 * `removedBackupIds` are the oldest backups beyond `maxBackupsToRetain`, for the application to delete.
 * `terminateAt` is the new deadline of a stopped session that terminates on its own (reference §4.5);
 * `stopAt` is cleared.
 */
export interface SessionStopped {
  readonly type: 'SessionStopped';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly completedAt: Instant;
    readonly backupId?: string;
    readonly removedBackupIds: readonly string[];
    readonly terminateAt?: Instant;
  };
}

export interface StopFailed {
  readonly type: 'StopFailed';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly statusCode: StopFailureStatusCode;
    readonly statusMessage: string;
    readonly failedAt: Instant;
  };
}

/**
 * A Start was accepted: the session enters START_IN_PROGRESS, with its new deadline (`stopAt` or
 * `terminateAt` at `startedAt + maxSessionLengthInMinutes`, reference §4.5) and the backup it restores.
 */
export interface StartRequested {
  readonly type: 'StartRequested';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly startedAt: Instant;
    readonly startedBy: string;
    readonly backupId?: string;
    readonly stopAt?: Instant;
    readonly terminateAt?: Instant;
  };
}

export interface SessionStarted {
  readonly type: 'SessionStarted';
  readonly version: 1;
  readonly data: { readonly sessionId: string; readonly readyAt: Instant };
}

export interface StartFailed {
  readonly type: 'StartFailed';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly statusCode: StartFailureStatusCode;
    readonly statusMessage: string;
    readonly failedAt: Instant;
  };
}

/**
 * A Delete was accepted: the session enters DELETE_IN_PROGRESS and loses its deadlines (nothing automatic
 * can happen to it any more). `requestedBy` is SYSTEM_PRINCIPAL_ID for the termination at `terminateAt`.
 */
export interface DeleteRequested {
  readonly type: 'DeleteRequested';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly requestedAt: Instant;
    readonly requestedBy: string;
    readonly automatic: boolean;
  };
}

/**
 * The session is gone. It carries the facts of the session's quota slot (instance type and owner), so the
 * ledger release can be derived from this event alone (see `ledgerEventsForSessionDeleted`).
 */
export interface SessionDeleted {
  readonly type: 'SessionDeleted';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly deletedAt: Instant;
    readonly ec2InstanceType: string;
    readonly ownedBy: string;
  };
}

export interface DeleteFailed {
  readonly type: 'DeleteFailed';
  readonly version: 1;
  readonly data: {
    readonly sessionId: string;
    readonly statusCode: DeleteFailureStatusCode;
    readonly statusMessage: string;
    readonly failedAt: Instant;
  };
}

/** Every event of a streaming-session stream. */
export type StreamingSessionEvent =
  | SessionRequested
  | InstanceAllocated
  | SessionReady
  | SessionCreateFailed
  | StopRequested
  | SessionStopped
  | StopFailed
  | StartRequested
  | SessionStarted
  | StartFailed
  | DeleteRequested
  | SessionDeleted
  | DeleteFailed;

export type StreamingSessionEventType = StreamingSessionEvent['type'];

/** The event type names, in one place, for stores and serializers. */
export const STREAMING_SESSION_EVENT_TYPES = [
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
] as const satisfies readonly StreamingSessionEventType[];

import type { LaunchProfile, StreamingImage, Studio } from '../catalog.js';
import type {
  CreateFailureStatusCode,
  DeleteFailureStatusCode,
  Instant,
  StartFailureStatusCode,
  StopFailureStatusCode,
  Tags,
  VolumeRetentionMode,
} from '../values.js';

/** Who is calling: a studio (portal) user, or a plain IAM principal with no portal identity. */
export interface Caller {
  readonly principalId: string;
  readonly kind: 'STUDIO_USER' | 'IAM';
}

/** The body and path of a CreateStreamingSession request, after schema validation. */
export interface CreateStreamingSessionRequest {
  readonly studioId: string;
  readonly launchProfileId: string;
  readonly ec2InstanceType?: string;
  readonly streamingImageId?: string;
  readonly ownedBy?: string;
  readonly tags?: Tags;
}

/** What a principal may do in the studio and on the launch profile of the request. */
export interface Membership {
  readonly isStudioAdmin: boolean;
  readonly isLaunchProfileMember: boolean;
  /**
   * Whether the principal is a USER member of any of the studio's launch profiles: standing in the studio
   * (reference §4.2, step 0). When absent, a member of the requested profile counts as one, and nobody else.
   */
  readonly isMemberOfAnyLaunchProfile?: boolean;
}

/**
 * The catalog facts a create decision reads. Lookups that found nothing are `undefined`; the decision
 * turns them into the API's errors in the documented order.
 */
export interface CreateFacts {
  readonly studio: Studio | undefined;
  readonly launchProfile: LaunchProfile | undefined;
  readonly streamingImage: StreamingImage | undefined;
  /** EULA ids accepted for the studio. */
  readonly acceptedEulaIds: readonly string[];
  readonly caller: Membership;
  readonly owner: Membership;
}

export interface CreateStreamingSession {
  readonly type: 'CreateStreamingSession';
  readonly sessionId: string;
  readonly now: Instant;
  readonly caller: Caller;
  readonly request: CreateStreamingSessionRequest;
  readonly facts: CreateFacts;
  readonly clientToken?: string;
  readonly fingerprint?: string;
}

/** The provisioner answered with an instance for the session. */
export interface RecordInstanceAllocated {
  readonly type: 'RecordInstanceAllocated';
  readonly instanceId: string;
  readonly now: Instant;
}

/** The allocated instance is up: the session becomes READY. */
export interface MarkSessionReady {
  readonly type: 'MarkSessionReady';
  readonly now: Instant;
}

/** Provisioning failed: the session becomes CREATE_FAILED with the provisioner's status code. */
export interface FailSessionCreate {
  readonly type: 'FailSessionCreate';
  readonly statusCode: CreateFailureStatusCode;
  readonly statusMessage: string;
  readonly now: Instant;
}

/**
 * The identity recorded as `stoppedBy` and `updatedBy` (and `updatedBy` of a Delete) when the service acts
 * on its own: an automatic stop at `stopAt` or an automatic termination at `terminateAt` (reference §4.5).
 * It is the service principal, the name AWS records for actions a service takes by itself; no Identity
 * Center user id or IAM role id can take this form, so it never passes for a person.
 */
export const SYSTEM_PRINCIPAL_ID = 'nimble.amazonaws.com';

/**
 * A Stop, Start or Delete asked for by a caller, with the one fact about them the rules read: whether they
 * administer the studio. The owner, the creator, a studio administrator and an IAM caller may act.
 */
export interface CallerRequest {
  readonly caller: Caller;
  readonly callerIsStudioAdmin: boolean;
  readonly automatic?: false;
}

/**
 * A Stop or Delete the service starts by itself because a deadline passed (`stopAt`, `terminateAt`). It is
 * accepted only once `now` has reached that deadline, so a stale schedule entry cannot act early.
 */
export interface AutomaticRequest {
  readonly automatic: true;
}

/** StopStreamingSession, or the automatic stop at `stopAt`: READY → STOP_IN_PROGRESS. */
export type RequestStop = {
  readonly type: 'RequestStop';
  readonly now: Instant;
  readonly volumeRetentionMode?: VolumeRetentionMode;
} & (CallerRequest | AutomaticRequest);

/** The catalog's facts about a backup of another session, when a Start names one (reference §4.4). */
export interface BackupFacts {
  readonly backupId: string;
  readonly ownedBy: string;
  readonly launchProfileId: string;
}

/** StartStreamingSession: STOPPED → START_IN_PROGRESS, optionally restoring a backup. */
export interface RequestStart {
  readonly type: 'RequestStart';
  readonly now: Instant;
  readonly caller: Caller;
  readonly callerIsStudioAdmin: boolean;
  /** Start re-checks launch-profile membership for studio users (reference §4.6). */
  readonly callerIsLaunchProfileMember: boolean;
  readonly backupId?: string;
  /** Looked up by the application when `backupId` is not one of this session's own backups. */
  readonly backup?: BackupFacts;
}

/** DeleteStreamingSession, or the automatic termination at `terminateAt`: → DELETE_IN_PROGRESS. */
export type RequestDelete = {
  readonly type: 'RequestDelete';
  readonly now: Instant;
} & (CallerRequest | AutomaticRequest);

/**
 * The instance is stopped: the session becomes STOPPED. With backups AUTOMATIC, the backup taken while
 * stopping is named here (the id comes from the application: the domain draws no random ids).
 */
export interface CompleteStop {
  readonly type: 'CompleteStop';
  readonly now: Instant;
  readonly backupId?: string;
}

/** Stopping failed: the session becomes STOP_FAILED. */
export interface FailStop {
  readonly type: 'FailStop';
  readonly statusCode: StopFailureStatusCode;
  readonly statusMessage: string;
  readonly now: Instant;
}

/** The instance runs again: the session becomes READY with STREAMING_SESSION_STARTED. */
export interface CompleteStart {
  readonly type: 'CompleteStart';
  readonly now: Instant;
}

/** Starting failed: the session becomes START_FAILED. */
export interface FailStart {
  readonly type: 'FailStart';
  readonly statusCode: StartFailureStatusCode;
  readonly statusMessage: string;
  readonly now: Instant;
}

/** The instance and its resources are gone: the session becomes DELETED and gives its quota slot back. */
export interface CompleteDelete {
  readonly type: 'CompleteDelete';
  readonly now: Instant;
}

/** Deleting failed: the session becomes DELETE_FAILED (and still counts against the quota). */
export interface FailDelete {
  readonly type: 'FailDelete';
  readonly statusCode: DeleteFailureStatusCode;
  readonly statusMessage: string;
  readonly now: Instant;
}

/** The commands of the lifecycle after create: what callers ask for, and what the workers report. */
export type StreamingSessionLifecycleCommand =
  | RequestStop
  | CompleteStop
  | FailStop
  | RequestStart
  | CompleteStart
  | FailStart
  | RequestDelete
  | CompleteDelete
  | FailDelete;

export type StreamingSessionCommand =
  | CreateStreamingSession
  | RecordInstanceAllocated
  | MarkSessionReady
  | FailSessionCreate
  | StreamingSessionLifecycleCommand;

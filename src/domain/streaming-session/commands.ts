import type { LaunchProfile, StreamingImage, Studio } from '../catalog.js';
import type { CreateFailureStatusCode, Instant, Tags } from '../values.js';

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

export type StreamingSessionCommand =
  CreateStreamingSession | RecordInstanceAllocated | MarkSessionReady | FailSessionCreate;

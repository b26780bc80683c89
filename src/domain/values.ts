/**
 * The API's own enums and value shapes, in its own words (service model nimble-2020-08-01).
 */

/** The regions Nimble Studio ran in (reference §1.1). */
export const NIMBLE_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-north-1',
] as const;
export type NimbleRegion = (typeof NIMBLE_REGIONS)[number];

export const STREAMING_INSTANCE_TYPES = [
  'g4dn.xlarge',
  'g4dn.2xlarge',
  'g4dn.4xlarge',
  'g4dn.8xlarge',
  'g4dn.12xlarge',
  'g4dn.16xlarge',
  'g3.4xlarge',
  'g3s.xlarge',
  'g5.xlarge',
  'g5.2xlarge',
  'g5.4xlarge',
  'g5.8xlarge',
  'g5.16xlarge',
] as const;
export type StreamingInstanceType = (typeof STREAMING_INSTANCE_TYPES)[number];

/** The instance family is the text before the first dot: `g5.xlarge` → `g5`. */
export function instanceFamily(instanceType: string): string {
  const dot = instanceType.indexOf('.');
  return dot < 0 ? instanceType : instanceType.slice(0, dot);
}

export const STREAMING_SESSION_STATES = [
  'CREATE_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'READY',
  'DELETED',
  'CREATE_FAILED',
  'DELETE_FAILED',
  'STOP_IN_PROGRESS',
  'START_IN_PROGRESS',
  'STOPPED',
  'STOP_FAILED',
  'START_FAILED',
] as const;
export type StreamingSessionStateName = (typeof STREAMING_SESSION_STATES)[number];

export const STREAMING_SESSION_STATUS_CODES = [
  'STREAMING_SESSION_READY',
  'STREAMING_SESSION_DELETED',
  'STREAMING_SESSION_CREATE_IN_PROGRESS',
  'STREAMING_SESSION_DELETE_IN_PROGRESS',
  'INTERNAL_ERROR',
  'INSUFFICIENT_CAPACITY',
  'ACTIVE_DIRECTORY_DOMAIN_JOIN_ERROR',
  'NETWORK_CONNECTION_ERROR',
  'INITIALIZATION_SCRIPT_ERROR',
  'DECRYPT_STREAMING_IMAGE_ERROR',
  'NETWORK_INTERFACE_ERROR',
  'STREAMING_SESSION_STOPPED',
  'STREAMING_SESSION_STARTED',
  'STREAMING_SESSION_STOP_IN_PROGRESS',
  'STREAMING_SESSION_START_IN_PROGRESS',
  'AMI_VALIDATION_ERROR',
] as const;
export type StreamingSessionStatusCode = (typeof STREAMING_SESSION_STATUS_CODES)[number];

/** The status codes a failed provisioning may end with (reference §3.2). */
export const CREATE_FAILURE_STATUS_CODES = [
  'INSUFFICIENT_CAPACITY',
  'NETWORK_INTERFACE_ERROR',
  'ACTIVE_DIRECTORY_DOMAIN_JOIN_ERROR',
  'INITIALIZATION_SCRIPT_ERROR',
  'DECRYPT_STREAMING_IMAGE_ERROR',
  'AMI_VALIDATION_ERROR',
  'NETWORK_CONNECTION_ERROR',
  'INTERNAL_ERROR',
] as const satisfies readonly StreamingSessionStatusCode[];
export type CreateFailureStatusCode = (typeof CREATE_FAILURE_STATUS_CODES)[number];

/**
 * The status codes a failed Stop may end with. The reference names none ("an error code"): stopping an
 * instance can fail inside the service or lose the connection to it.
 */
export const STOP_FAILURE_STATUS_CODES = [
  'INTERNAL_ERROR',
  'NETWORK_CONNECTION_ERROR',
] as const satisfies readonly StreamingSessionStatusCode[];
export type StopFailureStatusCode = (typeof STOP_FAILURE_STATUS_CODES)[number];

/** The status codes a failed Start may end with: a start boots the instance again, so those of a create. */
export const START_FAILURE_STATUS_CODES = CREATE_FAILURE_STATUS_CODES;
export type StartFailureStatusCode = CreateFailureStatusCode;

/** The status code a failed Delete ends with (reference §3.2). */
export const DELETE_FAILURE_STATUS_CODES = [
  'INTERNAL_ERROR',
] as const satisfies readonly StreamingSessionStatusCode[];
export type DeleteFailureStatusCode = (typeof DELETE_FAILURE_STATUS_CODES)[number];

export type SessionPersistenceMode = 'DEACTIVATED' | 'ACTIVATED';
export type AutomaticTerminationMode = 'DEACTIVATED' | 'ACTIVATED';
export type SessionBackupMode = 'AUTOMATIC' | 'DEACTIVATED';
export type VolumeRetentionMode = 'RETAIN' | 'DELETE';
export type StreamingClipboardMode = 'ENABLED' | 'DISABLED';

/** Studio, launch-profile and streaming-image states share these values. */
export const RESOURCE_STATES = [
  'CREATE_IN_PROGRESS',
  'READY',
  'UPDATE_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'DELETED',
  'DELETE_FAILED',
  'CREATE_FAILED',
  'UPDATE_FAILED',
] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];

export interface VolumeConfiguration {
  readonly size: number;
  readonly throughput: number;
  readonly iops: number;
}

export type Tags = Readonly<Record<string, string>>;

/** Epoch milliseconds. The domain keeps whole seconds, as the API's timestamps do. */
export type Instant = number;

/** Truncates an instant to whole seconds, the resolution of every timestamp the API emits. */
export function toWholeSeconds(instant: Instant): Instant {
  return Math.floor(instant / 1000) * 1000;
}

export const MINUTE_MS = 60_000;

/** The pure domain: deciders, events, errors and the API's values. Imports nothing outside itself. */
export type { Decider } from './decider.js';
export { replay } from './decider.js';
export type {
  ApiError,
  DomainError,
  ErrorType,
  ValidationException,
  AccessDeniedException,
  ResourceNotFoundException,
  ConflictException,
  ServiceQuotaExceededException,
  ThrottlingException,
  InternalServerErrorException,
} from './errors.js';
export {
  ERROR_TYPES,
  validationError,
  accessDenied,
  conflict,
  quotaExceeded,
  throttled,
  internalError,
  resourceNotFound,
} from './errors.js';
export type {
  StreamingInstanceType,
  NimbleRegion,
  StreamingSessionStateName,
  StreamingSessionStatusCode,
  CreateFailureStatusCode,
  SessionPersistenceMode,
  AutomaticTerminationMode,
  SessionBackupMode,
  VolumeRetentionMode,
  StreamingClipboardMode,
  ResourceState,
  VolumeConfiguration,
  Tags,
  Instant,
} from './values.js';
export {
  NIMBLE_REGIONS,
  STREAMING_INSTANCE_TYPES,
  STREAMING_SESSION_STATES,
  STREAMING_SESSION_STATUS_CODES,
  CREATE_FAILURE_STATUS_CODES,
  RESOURCE_STATES,
  instanceFamily,
  toWholeSeconds,
} from './values.js';
export type {
  Studio,
  LaunchProfile,
  StreamingImage,
  StreamConfiguration,
  StreamConfigurationSessionBackup,
  ResolvedStreamSettings,
} from './catalog.js';
export {
  STREAM_CONFIGURATION_DEFAULTS,
  resolveStreamSettings,
  isStopAllowed,
  checkStreamConfiguration,
} from './catalog.js';
export type {
  Caller,
  CreateStreamingSessionRequest,
  Membership,
  CreateFacts,
  CreateStreamingSession,
  RecordInstanceAllocated,
  MarkSessionReady,
  FailSessionCreate,
  StreamingSessionCommand,
} from './streaming-session/commands.js';
export type {
  SessionRequestedData,
  SessionRequested,
  InstanceAllocated,
  SessionReady,
  SessionCreateFailed,
  StreamingSessionEvent,
  StreamingSessionEventType,
} from './streaming-session/events.js';
export { STREAMING_SESSION_EVENT_TYPES } from './streaming-session/events.js';
export type {
  StreamingSessionState,
  ExistingSession,
  SessionNotRequested,
  SessionCreateInProgress,
  SessionIsReady,
  SessionCreateFailedState,
} from './streaming-session/state.js';
export { initialSessionState } from './streaming-session/state.js';
export { TAG_LIMITS, checkTags, resolveOwner, resolveStreamingImageId } from './streaming-session/create.js';
export { StreamingSession, isTerminal } from './streaming-session/decider.js';
export type { ArnContext, StreamingSessionView } from './streaming-session/view.js';
export {
  toStreamingSessionView,
  formatTimestamp,
  sessionArn,
  regionOfStudio,
} from './streaming-session/view.js';
export type {
  QuotaLimits,
  QuotaLedgerState,
  QuotaLedgerCommand,
  QuotaLedgerEvent,
  QuotaLedgerError,
  ReserveSessionSlot,
  ReleaseSessionSlot,
  SessionSlot,
  SessionSlotReserved,
  SessionSlotReleased,
} from './quota/ledger.js';
export {
  QuotaLedger,
  DEFAULT_QUOTA_LIMITS,
  QUOTA_NAMES,
  initialLedgerState,
  evolveLedger,
} from './quota/ledger.js';
export type { CreateDecision } from './create-streaming-session.js';
export { decideCreateStreamingSession } from './create-streaming-session.js';

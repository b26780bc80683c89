/**
 * `nimble-streaming-sessions/domain`: the pure core, for property tests and for code that works with the
 * events themselves. The deciders (`StreamingSession`, `QuotaLedger`) with their commands, events and
 * states, the create decision across both, the API's values and errors, the catalog's types, and the
 * rules the deciders apply. Listed by name, as the main entry is: the internal barrel (`./domain/index.js`)
 * serves the layers around the domain, this file is the contract.
 */

// The decider record and replaying events through it.
export type { Decider } from './domain/index.js';
export { replay } from './domain/index.js';

// Errors as values: the API's seven error types, and their constructors.
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
} from './domain/index.js';
export {
  ERROR_TYPES,
  validationError,
  accessDenied,
  conflict,
  quotaExceeded,
  throttled,
  internalError,
  resourceNotFound,
} from './domain/index.js';

// The API's values: instance types, regions, states, status codes, modes.
export type {
  StreamingInstanceType,
  NimbleRegion,
  StreamingSessionStateName,
  StreamingSessionStatusCode,
  CreateFailureStatusCode,
  StopFailureStatusCode,
  StartFailureStatusCode,
  DeleteFailureStatusCode,
  SessionPersistenceMode,
  AutomaticTerminationMode,
  SessionBackupMode,
  VolumeRetentionMode,
  StreamingClipboardMode,
  ResourceState,
  VolumeConfiguration,
  Tags,
  Instant,
} from './domain/index.js';
export {
  NIMBLE_REGIONS,
  STREAMING_INSTANCE_TYPES,
  STREAMING_SESSION_STATES,
  STREAMING_SESSION_STATUS_CODES,
  CREATE_FAILURE_STATUS_CODES,
  STOP_FAILURE_STATUS_CODES,
  START_FAILURE_STATUS_CODES,
  DELETE_FAILURE_STATUS_CODES,
  RESOURCE_STATES,
  instanceFamily,
  toWholeSeconds,
} from './domain/index.js';

// The catalog as the deciders see it, and the stream configuration rules.
export type {
  Studio,
  LaunchProfile,
  StreamingImage,
  StreamConfiguration,
  StreamConfigurationSessionBackup,
  ResolvedStreamSettings,
} from './domain/index.js';
export {
  STREAM_CONFIGURATION_DEFAULTS,
  resolveStreamSettings,
  isStopAllowed,
  checkStreamConfiguration,
} from './domain/index.js';

// The streaming session's commands, and the decision across a session and its studio's ledger.
export type {
  Caller,
  CreateStreamingSessionRequest,
  Membership,
  CreateFacts,
  CreateStreamingSession,
  RecordInstanceAllocated,
  MarkSessionReady,
  FailSessionCreate,
  CallerRequest,
  AutomaticRequest,
  RequestStop,
  BackupFacts,
  RequestStart,
  RequestDelete,
  CompleteStop,
  FailStop,
  CompleteStart,
  FailStart,
  CompleteDelete,
  FailDelete,
  StreamingSessionLifecycleCommand,
  StreamingSessionCommand,
  ExistingSessionCommand,
  SessionChangeDecision,
} from './domain/index.js';
export {
  SYSTEM_PRINCIPAL_ID,
  decideStreamingSessionChange,
  ledgerEventsForSessionDeleted,
  ledgerEventsForSessionEvents,
  sessionSlotOf,
  runningDeadline,
  stoppedDeadline,
  terminatesWhenStopped,
  checkOperationState,
  ALLOWED_FROM,
  ALREADY_UNDER_WAY,
} from './domain/index.js';

// The streaming session's events.
export type {
  SessionRequestedData,
  SessionRequested,
  InstanceAllocated,
  SessionReady,
  SessionCreateFailed,
  StopRequested,
  SessionStopped,
  StopFailed,
  StartRequested,
  SessionStarted,
  StartFailed,
  DeleteRequested,
  SessionDeleted,
  DeleteFailed,
  StreamingSessionEvent,
  StreamingSessionEventType,
} from './domain/index.js';
export { STREAMING_SESSION_EVENT_TYPES } from './domain/index.js';

// The streaming session's states.
export type {
  StreamingSessionState,
  ExistingSession,
  SessionNotRequested,
  SessionCreateInProgress,
  SessionIsReady,
  SessionCreateFailedState,
  SessionStopInProgress,
  SessionIsStopped,
  SessionStopFailedState,
  SessionStartInProgress,
  SessionStartFailedState,
  SessionDeleteInProgress,
  SessionDeleteFailedState,
  SessionIsDeleted,
  SessionLifecycle,
} from './domain/index.js';
export { initialSessionState, lifecycleOf } from './domain/index.js';

// Create-time rules, the decider itself, and the API's view of a session.
export { TAG_LIMITS, checkTags, resolveOwner, resolveStreamingImageId } from './domain/index.js';
export { StreamingSession, isTerminal } from './domain/index.js';
export type { ArnContext, StreamingSessionView } from './domain/index.js';
export { toStreamingSessionView, formatTimestamp, sessionArn, regionOfStudio } from './domain/index.js';

// The studio's quota ledger: limits, commands, events, state and its decider.
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
} from './domain/index.js';
export {
  QuotaLedger,
  DEFAULT_QUOTA_LIMITS,
  QUOTA_NAMES,
  initialLedgerState,
  evolveLedger,
} from './domain/index.js';

// CreateStreamingSession across both deciders: the session's first event and the ledger's reservation.
export type { CreateDecision } from './domain/index.js';
export { decideCreateStreamingSession } from './domain/index.js';

/**
 * The public API, listed by name: what is exported here is the contract; everything else is internal.
 */

// The domain: deciders, events, errors and the API's values.
export type { Decider } from './domain/index.js';
export { replay } from './domain/index.js';
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
export { TAG_LIMITS, checkTags, resolveOwner, resolveStreamingImageId } from './domain/index.js';
export { StreamingSession, isTerminal } from './domain/index.js';
export type { ArnContext, StreamingSessionView } from './domain/index.js';
export { toStreamingSessionView, formatTimestamp, sessionArn, regionOfStudio } from './domain/index.js';
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
export type { CreateDecision } from './domain/index.js';
export { decideCreateStreamingSession } from './domain/index.js';

// The embedding entry point.
export type { StreamingSessionsOptions } from './streaming-sessions.js';
export type { Readiness, ServiceOperability, StreamingSessionsApi } from './application/ports/inbound.js';
export { StreamingSessions, createStreamingSessions } from './streaming-sessions.js';

// The application: ports, settings, handlers and inputs.
export type { ServiceConfig, DeepPartial } from './application/config.js';
export {
  StopStreamingSessionHandler,
  StartStreamingSessionHandler,
  DeleteStreamingSessionHandler,
} from './application/lifecycle-handlers.js';
export {
  StopStep,
  StartStep,
  DeleteStep,
  AutoStopStep,
  AutoTerminateStep,
  PurgeStep,
} from './application/jobs/lifecycle-steps.js';
export { jobsDue, jobChanges, type JobsDue } from './application/jobs/session-jobs.js';
export { LedgerCache, type LedgerAt } from './application/ledger-cache.js';
export { ClientTokens } from './application/client-tokens.js';
export { defaultServiceConfig, resolveServiceConfig } from './application/config.js';
export { TOKENS } from './application/tokens.js';
export type {
  EventStore,
  NewEvent,
  StoredEvent,
  StreamAppend,
  SessionViewWrite,
  ClientTokenKey,
  ClientTokenRecord,
  UnitOfWork,
  CommitConflict,
  CommitSuccess,
  ReadStreamResult,
} from './application/ports/event-store.js';
export { ExpectedVersion } from './application/ports/event-store.js';
export type { SessionViews, SessionViewRow, SessionListQuery } from './application/ports/session-views.js';
export type { Catalog } from './application/ports/catalog.js';
export type { Clock, IdGenerator } from './application/ports/clock.js';
export type {
  InstanceProvisioner,
  InstanceSpec,
  InstanceStatus,
  ProvisioningFailure,
} from './application/ports/provisioner.js';
export type {
  ClaimedJob,
  JobKey,
  JobKind,
  JobQueue,
  JobQueueStats,
  ScheduledJob,
} from './application/ports/jobs.js';
export { JOB_KINDS } from './application/ports/jobs.js';
export type { Logger } from './application/ports/logger.js';
export type { JobStep } from './application/jobs/job-step.js';
export { JOB_STEPS } from './application/jobs/job-step.js';
export { JobWorker, type JobWorkerStats } from './application/jobs/job-worker.js';
export { ProvisionStep } from './application/jobs/provision-step.js';
export { ClientTokenSweepStep, CLIENT_TOKEN_SWEEP_JOB } from './application/jobs/client-token-sweep.js';
export {
  SessionCommands,
  type SessionChange,
  type SessionKey,
  type SessionOutcome,
} from './application/session-commands.js';
export { CommandPipeline } from './application/pipeline/command-pipeline.js';
export { CreateStreamingSessionHandler } from './application/create-streaming-session.js';
export { GetStreamingSessionHandler } from './application/get-streaming-session.js';
export {
  ListStreamingSessionsHandler,
  parseSessionIds,
  type ListStreamingSessionsOutput,
} from './application/list-streaming-sessions.js';
export type { ListQueryFilters, ListPosition } from './application/list-cursor.js';
export type { ListStreamingSessionsInput } from './application/validation/requests.js';
export {
  validateListStreamingSessionsInput,
  listStreamingSessionsInputSchema,
  MAX_LIST_SESSION_IDS,
} from './application/validation/requests.js';
export { encodeNextToken, decodeNextToken } from './application/list-cursor.js';
export type {
  CreateStreamingSessionInput,
  GetStreamingSessionInput,
  StopStreamingSessionInput,
  StartStreamingSessionInput,
  DeleteStreamingSessionInput,
} from './application/validation/requests.js';
export {
  validateCreateStreamingSessionInput,
  validateGetStreamingSessionInput,
  validateStopStreamingSessionInput,
  validateStartStreamingSessionInput,
  validateDeleteStreamingSessionInput,
  createStreamingSessionInputSchema,
} from './application/validation/requests.js';
export type {
  Seed,
  SeedStudio,
  SeedLaunchProfile,
  SeedStreamingImage,
  SeedCredential,
  SeedStudioMembership,
  SeedLaunchProfileMembership,
  SeedEulaAcceptance,
  SeedQuotas,
} from './application/seed.js';
export { parseSeed, seedSchema } from './application/seed.js';
export { requestFingerprint, canonicalJson } from './application/fingerprint.js';
export { sessionStreamId, ledgerStreamId } from './application/streams.js';

// Adapters: in-memory storage and catalog, the simulated provisioner, the system clock and ids.
export type { PoolUsage, StorageAdapter } from './application/ports/storage.js';
export { coreModule, environmentModule } from './adapters/inversify/core-module.js';
export { inMemoryStorage } from './adapters/in-memory/module.js';
export { InMemoryDatabase } from './adapters/in-memory/database.js';
export { InMemoryCatalog } from './application/seed-catalog.js';
export type { SimulatedProvisionerOptions } from './adapters/provisioner/simulated.js';
export { SimulatedProvisioner } from './adapters/provisioner/simulated.js';
export { SystemClock, RandomIdGenerator } from './adapters/system/clock.js';
export { consoleLogger } from './adapters/system/logger.js';

/**
 * The public API of the main entry, listed by name: what an embedding backend calls, passes and gets back.
 * The deciders, commands and events are on `nimble-streaming-sessions/domain`; handlers, the command
 * pipeline, job steps, caches and stream ids are internal and may change in any release.
 */

// The facade: one call assembles the control plane.
export type { StreamingSessionsOptions } from './streaming-sessions.js';
export { StreamingSessions, createStreamingSessions } from './streaming-sessions.js';

// The inbound port, and what its operations take and answer.
export type { Readiness, ServiceOperability, StreamingSessionsApi } from './application/ports/inbound.js';
export type { JobWorkerStats } from './application/jobs/job-worker.js';
export type {
  CreateStreamingSessionInput,
  GetStreamingSessionInput,
  ListStreamingSessionsInput,
  StopStreamingSessionInput,
  StartStreamingSessionInput,
  DeleteStreamingSessionInput,
} from './application/validation/requests.js';
export type { ListStreamingSessionsOutput } from './application/list-streaming-sessions.js';
export type {
  StreamingSessionView,
  StreamingSessionStateName,
  StreamingSessionStatusCode,
  SessionPersistenceMode,
  AutomaticTerminationMode,
  SessionBackupMode,
  VolumeRetentionMode,
  VolumeConfiguration,
  Tags,
} from './domain/index.js';

// Who calls, and the errors every operation answers as values.
export type { Caller, ApiError, ErrorType } from './domain/index.js';
export { ERROR_TYPES } from './domain/index.js';

// The catalog as a seed document, and the settings.
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
export { parseSeed } from './application/seed.js';
export type { ServiceConfig, DeepPartial } from './application/config.js';
export { resolveServiceConfig } from './application/config.js';

// The ports an embedder implements or passes in.
export type { Catalog } from './application/ports/catalog.js';
export type {
  InstanceProvisioner,
  InstanceSpec,
  InstanceStatus,
  ProvisioningFailure,
} from './application/ports/provisioner.js';
export type { Clock, IdGenerator } from './application/ports/clock.js';
export type { Logger } from './application/ports/logger.js';
export type { PoolUsage, StorageAdapter } from './application/ports/storage.js';

// The ready-made adapters: in-memory storage and catalog, the simulated provisioner, clock, ids, logger.
export { inMemoryStorage } from './adapters/in-memory/module.js';
export { InMemoryDatabase } from './adapters/in-memory/database.js';
export { InMemoryCatalog } from './application/seed-catalog.js';
export type { SimulatedProvisionerOptions } from './adapters/provisioner/simulated.js';
export { SimulatedProvisioner } from './adapters/provisioner/simulated.js';
export { SystemClock, RandomIdGenerator } from './adapters/system/clock.js';
export { consoleLogger } from './adapters/system/logger.js';

// A container composed by hand: the modules createStreamingSessions loads, and the ports' tokens.
export { coreModule, environmentModule } from './adapters/inversify/core-module.js';
export { TOKENS } from './application/tokens.js';

/**
 * `nimble-streaming-sessions/http`: the HTTP adapter (restJson1 with SigV4) and the server that `npm start`
 * runs. A separate entry point, so embedding the library does not load fastify.
 */
export type { HttpServerOptions } from './adapters/http/server.js';
export { createHttpServer, DEFAULT_BODY_LIMIT } from './adapters/http/server.js';
export type { StreamingSessionsApi } from './application/ports/inbound.js';
export type { ApiCredential, CredentialStore } from './adapters/http/credentials.js';
export { credentialStoreFromSeed } from './adapters/http/credentials.js';
export type { SigV4Options } from './adapters/http/sigv4.js';
export { NIMBLE_REGIONS } from './adapters/http/sigv4.js';
export type { ThrottleOptions } from './adapters/http/throttle.js';
export { DEFAULT_THROTTLE } from './adapters/http/throttle.js';
export type { ErrorResponse, UnknownOperationError, WireError } from './adapters/http/errors.js';
export { HTTP_STATUS, toErrorResponse } from './adapters/http/errors.js';
export type { MetricsSource, ServiceMetricsOptions } from './adapters/http/metrics.js';
export { ServiceMetrics } from './adapters/http/metrics.js';
export type { OperabilityOptions } from './adapters/http/operability.js';
export { OPERABILITY_PATHS } from './adapters/http/operability.js';
export type { ServerOptions } from './server/options.js';
export { parseServerOptions } from './server/options.js';
export type { RunningServer } from './server/start.js';
export { startServer } from './server/start.js';

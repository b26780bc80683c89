import type { Result } from 'neverthrow';
import type {
  ApiError,
  Caller,
  StreamingSessionStateName,
  StreamingSessionView,
} from '../../domain/index.js';
import type { JobWorkerStats } from '../jobs/job-worker.js';
import type { ListStreamingSessionsOutput } from '../list-streaming-sessions.js';
import type {
  CreateStreamingSessionInput,
  DeleteStreamingSessionInput,
  GetStreamingSessionInput,
  ListStreamingSessionsInput,
  StartStreamingSessionInput,
  StopStreamingSessionInput,
} from '../validation/requests.js';
import type { PoolUsage } from './storage.js';

/**
 * The inbound port: the API's operations as the control plane offers them to whatever drives it (the HTTP
 * adapter, an embedding backend). Each takes the validated-on-entry input and the caller's identity, and
 * answers a neverthrow Result whose error is one of the API's seven error types as data.
 */
export interface StreamingSessionsApi {
  /** CreateStreamingSession: the new session in CREATE_IN_PROGRESS, or the current view of a replay. */
  createStreamingSession(
    input: CreateStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>>;

  /** GetStreamingSession: the session's current view. */
  getStreamingSession(
    input: GetStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>>;

  /** ListStreamingSessions: one page of the studio's sessions the caller may see, and a token for the next. */
  listStreamingSessions(
    input: ListStreamingSessionsInput,
    caller: Caller,
  ): Promise<Result<ListStreamingSessionsOutput, ApiError>>;

  /** StopStreamingSession: the session in STOP_IN_PROGRESS, or as it is when a stop is under way. */
  stopStreamingSession(
    input: StopStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>>;

  /** StartStreamingSession: the session in START_IN_PROGRESS. */
  startStreamingSession(
    input: StartStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>>;

  /** DeleteStreamingSession: the session in DELETE_IN_PROGRESS, or as it is when already being deleted. */
  deleteStreamingSession(
    input: DeleteStreamingSessionInput,
    caller: Caller,
  ): Promise<Result<StreamingSessionView, ApiError>>;
}

/** What a readiness check found: `'ok'`, or why a check failed. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly storage: string; readonly worker: string };
}

/** What operators' probes and metrics read of a running control plane. */
export interface ServiceOperability {
  /** Whether the instance can serve: storage reachable and at its schema version, the worker running. */
  readiness(): Promise<Readiness>;

  /** The job worker's counters: due, scheduled and held jobs, steps running, succeeded and failed. */
  jobStats(): Promise<JobWorkerStats>;

  /** How many sessions are in each state, from the sessions view. */
  sessionCountsByState(): Promise<Readonly<Partial<Record<StreamingSessionStateName, number>>>>;

  /** The storage's connection pool usage, when it has a pool. */
  storagePoolUsage(): PoolUsage | undefined;
}

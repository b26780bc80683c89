import type { Instant, StreamingSessionStatusCode, VolumeRetentionMode } from '../values.js';
import type { SessionRequestedData } from './events.js';

/** Before any event: the session has not been requested. */
export interface SessionNotRequested {
  readonly state: 'NOT_REQUESTED';
}

/**
 * What Stop, Start and Delete change, beside the state: the API's `startedAt/By`, `stoppedAt/By`,
 * `startedFromBackupId` and `volumeRetentionMode`, the current deadlines (which replace the create-time
 * `stopAt`/`terminateAt` of `session`), and the backups kept, oldest first.
 */
export interface SessionLifecycle {
  readonly stopAt?: Instant;
  readonly terminateAt?: Instant;
  readonly startedAt?: Instant;
  readonly startedBy?: string;
  readonly stoppedAt?: Instant;
  readonly stoppedBy?: string;
  readonly startedFromBackupId?: string;
  readonly volumeRetentionMode?: VolumeRetentionMode;
  readonly backupIds: readonly string[];
}

interface SessionFacts {
  readonly session: SessionRequestedData;
  readonly statusCode: StreamingSessionStatusCode;
  readonly statusMessage: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
  /**
   * Absent until the first Stop, Start or Delete is accepted: a session that has only been created (and
   * any state stored before the lifecycle existed) reads its deadlines from `session`. See `lifecycleOf`.
   */
  readonly lifecycle?: SessionLifecycle;
}

export interface SessionCreateInProgress extends SessionFacts {
  readonly state: 'CREATE_IN_PROGRESS';
  /** Set once the provisioner has answered; the session becomes READY after it. */
  readonly instanceId?: string;
}

export interface SessionIsReady extends SessionFacts {
  readonly state: 'READY';
  readonly instanceId: string;
}

export interface SessionCreateFailedState extends SessionFacts {
  readonly state: 'CREATE_FAILED';
  readonly instanceId?: string;
}

export interface SessionStopInProgress extends SessionFacts {
  readonly state: 'STOP_IN_PROGRESS';
  readonly instanceId: string;
}

export interface SessionIsStopped extends SessionFacts {
  readonly state: 'STOPPED';
  readonly instanceId: string;
}

export interface SessionStopFailedState extends SessionFacts {
  readonly state: 'STOP_FAILED';
  readonly instanceId: string;
}

export interface SessionStartInProgress extends SessionFacts {
  readonly state: 'START_IN_PROGRESS';
  readonly instanceId: string;
}

export interface SessionStartFailedState extends SessionFacts {
  readonly state: 'START_FAILED';
  readonly instanceId: string;
}

/** A session can be deleted after a failed create, so from here on it may never have had an instance. */
export interface SessionDeleteInProgress extends SessionFacts {
  readonly state: 'DELETE_IN_PROGRESS';
  readonly instanceId?: string;
}

export interface SessionDeleteFailedState extends SessionFacts {
  readonly state: 'DELETE_FAILED';
  readonly instanceId?: string;
}

export interface SessionIsDeleted extends SessionFacts {
  readonly state: 'DELETED';
  readonly instanceId?: string;
}

/** A session that exists: every state but the initial one. */
export type ExistingSession =
  | SessionCreateInProgress
  | SessionIsReady
  | SessionCreateFailedState
  | SessionStopInProgress
  | SessionIsStopped
  | SessionStopFailedState
  | SessionStartInProgress
  | SessionStartFailedState
  | SessionDeleteInProgress
  | SessionDeleteFailedState
  | SessionIsDeleted;

/**
 * The state of one streaming session, a union over the API's `StreamingSessionState` values (plus the
 * initial `NOT_REQUESTED`).
 */
export type StreamingSessionState = SessionNotRequested | ExistingSession;

export const initialSessionState: StreamingSessionState = { state: 'NOT_REQUESTED' };

/** The session's lifecycle facts, built from the create-time deadlines before the first Stop/Start/Delete. */
export function lifecycleOf(state: ExistingSession): SessionLifecycle {
  if (state.lifecycle !== undefined) return state.lifecycle;
  const { stopAt, terminateAt } = state.session;
  return {
    backupIds: [],
    ...(stopAt === undefined ? {} : { stopAt }),
    ...(terminateAt === undefined ? {} : { terminateAt }),
  };
}

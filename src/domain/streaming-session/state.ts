import type { StreamingSessionStatusCode } from '../values.js';
import type { SessionRequestedData } from './events.js';

/** Before any event: the session has not been requested. */
export interface SessionNotRequested {
  readonly state: 'NOT_REQUESTED';
}

interface SessionFacts {
  readonly session: SessionRequestedData;
  readonly statusCode: StreamingSessionStatusCode;
  readonly statusMessage: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
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

/** A session that exists: every state but the initial one. */
export type ExistingSession = SessionCreateInProgress | SessionIsReady | SessionCreateFailedState;

/**
 * The state of one streaming session, a union over the API's `StreamingSessionState` values (plus the
 * initial `NOT_REQUESTED`). STOPPED, START_IN_PROGRESS and the other lifecycle states join it with Stop,
 * Start and Delete.
 */
export type StreamingSessionState = SessionNotRequested | ExistingSession;

export const initialSessionState: StreamingSessionState = { state: 'NOT_REQUESTED' };

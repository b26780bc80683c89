import type {
  DeleteFailed,
  DeleteRequested,
  SessionDeleted,
  SessionStarted,
  SessionStopped,
  StartFailed,
  StartRequested,
  StopFailed,
  StopRequested,
} from './events.js';
import { lifecycleOf, type SessionLifecycle, type StreamingSessionState } from './state.js';
import { STATUS_MESSAGES } from './status-messages.js';

/** The events of Stop, Start and Delete. */
export type LifecycleEvent =
  | StopRequested
  | SessionStopped
  | StopFailed
  | StartRequested
  | SessionStarted
  | StartFailed
  | DeleteRequested
  | SessionDeleted
  | DeleteFailed;

/** The lifecycle with both deadlines replaced (absent members clear them). */
function withDeadlines(
  lifecycle: SessionLifecycle,
  deadlines: { readonly stopAt?: number; readonly terminateAt?: number },
): SessionLifecycle {
  const { stopAt: _stopAt, terminateAt: _terminateAt, ...rest } = lifecycle;
  return {
    ...rest,
    ...(deadlines.stopAt === undefined ? {} : { stopAt: deadlines.stopAt }),
    ...(deadlines.terminateAt === undefined ? {} : { terminateAt: deadlines.terminateAt }),
  };
}

/** DeleteRequested leads out of every stable state but DELETED, and clears the deadlines. */
function deleteRequested(state: StreamingSessionState, event: DeleteRequested): StreamingSessionState {
  switch (state.state) {
    case 'READY':
    case 'STOPPED':
    case 'CREATE_FAILED':
    case 'STOP_FAILED':
    case 'START_FAILED':
    case 'DELETE_FAILED':
      return {
        ...state,
        state: 'DELETE_IN_PROGRESS',
        statusCode: 'STREAMING_SESSION_DELETE_IN_PROGRESS',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_DELETE_IN_PROGRESS,
        updatedAt: event.data.requestedAt,
        updatedBy: event.data.requestedBy,
        lifecycle: withDeadlines(lifecycleOf(state), {}),
      };
    case 'NOT_REQUESTED':
    case 'CREATE_IN_PROGRESS':
    case 'STOP_IN_PROGRESS':
    case 'START_IN_PROGRESS':
    case 'DELETE_IN_PROGRESS':
    case 'DELETED':
      return state;
  }
}

/**
 * Folds a Stop, Start or Delete event. Like `evolve`, total: an event that cannot follow the current state
 * leaves the state unchanged (the same object). Each transition is the one of reference §3.2.
 */
export function evolveLifecycle(state: StreamingSessionState, event: LifecycleEvent): StreamingSessionState {
  switch (event.type) {
    case 'StopRequested': {
      if (state.state !== 'READY') return state;
      const { volumeRetentionMode: _previous, ...lifecycle } = lifecycleOf(state);
      const { stoppedAt, stoppedBy, volumeRetentionMode } = event.data;
      return {
        ...state,
        state: 'STOP_IN_PROGRESS',
        statusCode: 'STREAMING_SESSION_STOP_IN_PROGRESS',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_STOP_IN_PROGRESS,
        updatedAt: stoppedAt,
        updatedBy: stoppedBy,
        lifecycle: {
          ...lifecycle,
          stoppedAt,
          stoppedBy,
          ...(volumeRetentionMode === undefined ? {} : { volumeRetentionMode }),
        },
      };
    }
    case 'SessionStopped': {
      if (state.state !== 'STOP_IN_PROGRESS') return state;
      const { backupId, removedBackupIds, completedAt, terminateAt } = event.data;
      const lifecycle = lifecycleOf(state);
      const all = backupId === undefined ? lifecycle.backupIds : [...lifecycle.backupIds, backupId];
      return {
        ...state,
        state: 'STOPPED',
        statusCode: 'STREAMING_SESSION_STOPPED',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_STOPPED,
        updatedAt: completedAt,
        lifecycle: {
          ...withDeadlines(lifecycle, terminateAt === undefined ? {} : { terminateAt }),
          backupIds: all.filter((id) => !removedBackupIds.includes(id)),
        },
      };
    }
    case 'StopFailed':
      if (state.state !== 'STOP_IN_PROGRESS') return state;
      return {
        ...state,
        state: 'STOP_FAILED',
        statusCode: event.data.statusCode,
        statusMessage: event.data.statusMessage,
        updatedAt: event.data.failedAt,
      };
    case 'StartRequested': {
      if (state.state !== 'STOPPED') return state;
      const { startedFromBackupId: _previous, ...lifecycle } = lifecycleOf(state);
      const { startedAt, startedBy, backupId } = event.data;
      return {
        ...state,
        state: 'START_IN_PROGRESS',
        statusCode: 'STREAMING_SESSION_START_IN_PROGRESS',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_START_IN_PROGRESS,
        updatedAt: startedAt,
        updatedBy: startedBy,
        lifecycle: {
          ...withDeadlines(lifecycle, event.data),
          startedAt,
          startedBy,
          ...(backupId === undefined ? {} : { startedFromBackupId: backupId }),
        },
      };
    }
    case 'SessionStarted':
      if (state.state !== 'START_IN_PROGRESS') return state;
      return {
        ...state,
        state: 'READY',
        statusCode: 'STREAMING_SESSION_STARTED',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_STARTED,
        updatedAt: event.data.readyAt,
      };
    case 'StartFailed':
      if (state.state !== 'START_IN_PROGRESS') return state;
      return {
        ...state,
        state: 'START_FAILED',
        statusCode: event.data.statusCode,
        statusMessage: event.data.statusMessage,
        updatedAt: event.data.failedAt,
      };
    case 'DeleteRequested':
      return deleteRequested(state, event);
    case 'SessionDeleted':
      if (state.state !== 'DELETE_IN_PROGRESS') return state;
      return {
        ...state,
        state: 'DELETED',
        statusCode: 'STREAMING_SESSION_DELETED',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_DELETED,
        updatedAt: event.data.deletedAt,
      };
    case 'DeleteFailed':
      if (state.state !== 'DELETE_IN_PROGRESS') return state;
      return {
        ...state,
        state: 'DELETE_FAILED',
        statusCode: event.data.statusCode,
        statusMessage: event.data.statusMessage,
        updatedAt: event.data.failedAt,
      };
  }
}

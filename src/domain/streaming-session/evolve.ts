import type { StreamingSessionEvent } from './events.js';
import { evolveLifecycle } from './evolve-lifecycle.js';
import type { StreamingSessionState } from './state.js';
import { STATUS_MESSAGES } from './status-messages.js';

export { STATUS_MESSAGES };

/**
 * Folds one event into the state. Total: an event that cannot follow the current state (which `decide`
 * never produces) leaves the state unchanged rather than throwing, so a replay never crashes.
 */
export function evolve(state: StreamingSessionState, event: StreamingSessionEvent): StreamingSessionState {
  switch (event.type) {
    case 'SessionRequested':
      if (state.state !== 'NOT_REQUESTED') return state;
      return {
        state: 'CREATE_IN_PROGRESS',
        session: event.data,
        statusCode: 'STREAMING_SESSION_CREATE_IN_PROGRESS',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_CREATE_IN_PROGRESS,
        updatedAt: event.data.requestedAt,
        updatedBy: event.data.createdBy,
      };
    case 'InstanceAllocated':
      if (state.state !== 'CREATE_IN_PROGRESS' || state.instanceId !== undefined) return state;
      return { ...state, instanceId: event.data.instanceId, updatedAt: event.data.allocatedAt };
    case 'SessionReady':
      if (state.state !== 'CREATE_IN_PROGRESS' || state.instanceId === undefined) return state;
      return {
        ...state,
        state: 'READY',
        instanceId: state.instanceId,
        statusCode: 'STREAMING_SESSION_READY',
        statusMessage: STATUS_MESSAGES.STREAMING_SESSION_READY,
        updatedAt: event.data.readyAt,
      };
    case 'SessionCreateFailed':
      if (state.state !== 'CREATE_IN_PROGRESS') return state;
      return {
        ...state,
        state: 'CREATE_FAILED',
        statusCode: event.data.statusCode,
        statusMessage: event.data.statusMessage,
        updatedAt: event.data.failedAt,
      };
    case 'StopRequested':
    case 'SessionStopped':
    case 'StopFailed':
    case 'StartRequested':
    case 'SessionStarted':
    case 'StartFailed':
    case 'DeleteRequested':
    case 'SessionDeleted':
    case 'DeleteFailed':
      return evolveLifecycle(state, event);
    default: {
      // Unreachable for typed events (the compiler checks every type is handled above), but an event of a
      // type this version does not know, read from a store written by a newer one, must not make evolve
      // return undefined and poison every later fold.
      const _unknown: never = event;
      return state;
    }
  }
}

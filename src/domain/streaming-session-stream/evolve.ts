import type { StreamingSessionStreamEvent } from './events.js';
import type { StreamingSessionStreamState } from './state.js';

/**
 * Folds one event into the stream's state. Total: an event that cannot follow the current state (which
 * `decideStream` never produces) leaves the state unchanged, the same object, rather than throwing, so a
 * replay never crashes.
 */
export function evolveStream(
  state: StreamingSessionStreamState,
  event: StreamingSessionStreamEvent,
): StreamingSessionStreamState {
  switch (event.type) {
    case 'StreamRequested':
      if (state.state !== 'NOT_REQUESTED') return state;
      return {
        state: 'CREATE_IN_PROGRESS',
        statusCode: 'STREAM_CREATE_IN_PROGRESS',
        stream: event.data,
        updatedAt: event.data.createdAt,
      };
    case 'StreamConnected': {
      if (state.state !== 'CREATE_IN_PROGRESS') return state;
      const { url, connectedAt } = event.data;
      return {
        state: 'READY',
        statusCode: 'STREAM_READY',
        stream: state.stream,
        updatedAt: connectedAt,
        connection: { url, connectedAt },
      };
    }
    case 'StreamCreateFailed':
      if (state.state !== 'CREATE_IN_PROGRESS') return state;
      return {
        state: 'CREATE_FAILED',
        statusCode: event.data.statusCode,
        statusMessage: event.data.statusMessage,
        stream: state.stream,
        updatedAt: event.data.failedAt,
      };
    case 'StreamDeleted':
      if (state.state !== 'READY') return state;
      return {
        state: 'DELETED',
        statusCode: 'STREAM_DELETED',
        stream: state.stream,
        updatedAt: event.data.deletedAt,
        connection: state.connection,
        ending: event.data,
      };
    default: {
      // Unreachable for typed events, but an event of a type this version does not know, read from a
      // store written by a newer one, must not make evolve return undefined and poison every later fold.
      const _unknown: never = event;
      return state;
    }
  }
}

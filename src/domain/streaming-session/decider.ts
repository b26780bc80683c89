import type { Decider } from '../decider.js';
import type { DomainError } from '../errors.js';
import type { StreamingSessionCommand } from './commands.js';
import { decide } from './decide.js';
import type { StreamingSessionEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialSessionState, type StreamingSessionState } from './state.js';

/**
 * Terminal states absorb every event. CREATE_FAILED is terminal for now: Delete, which leads out of it,
 * comes with the lifecycle.
 */
export function isTerminal(state: StreamingSessionState): boolean {
  return state.state === 'CREATE_FAILED';
}

/** The StreamingSession aggregate as a decider. */
export const StreamingSession: Decider<
  StreamingSessionCommand,
  StreamingSessionState,
  StreamingSessionEvent,
  DomainError
> = {
  decide,
  evolve,
  initialState: initialSessionState,
  isTerminal,
};

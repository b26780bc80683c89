import type { Decider } from '../decider.js';
import type { DomainError } from '../errors.js';
import type { StreamingSessionCommand } from './commands.js';
import { decide } from './decide.js';
import type { StreamingSessionEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialSessionState, type StreamingSessionState } from './state.js';

/**
 * Terminal states absorb every event. DELETED is the only one: every failed state can still be deleted
 * (reference §3.2), and a deleted session answers every command with nothing or an error.
 */
export function isTerminal(state: StreamingSessionState): boolean {
  return state.state === 'DELETED';
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

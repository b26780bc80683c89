import type { Decider } from '../decider.js';
import type { DomainError } from '../errors.js';
import type { StreamingSessionStreamCommand } from './commands.js';
import { decideStream } from './decide.js';
import type { StreamingSessionStreamEvent } from './events.js';
import { evolveStream } from './evolve.js';
import { initialStreamState, type StreamingSessionStreamState } from './state.js';

/**
 * Terminal states absorb every event: CREATE_FAILED and DELETED. A stream is never retried or restarted;
 * a client that wants another asks for a new one.
 */
export function isStreamTerminal(state: StreamingSessionStreamState): boolean {
  return state.state === 'CREATE_FAILED' || state.state === 'DELETED';
}

/** The StreamingSessionStream aggregate as a decider. */
export const StreamingSessionStream: Decider<
  StreamingSessionStreamCommand,
  StreamingSessionStreamState,
  StreamingSessionStreamEvent,
  DomainError
> = {
  decide: decideStream,
  evolve: evolveStream,
  initialState: initialStreamState,
  isTerminal: isStreamTerminal,
};

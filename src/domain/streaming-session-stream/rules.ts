import { conflict, type DomainError } from '../errors.js';
import { toWholeSeconds, type Instant } from '../values.js';
import type { StreamingSessionStreamCommand } from './commands.js';
import type { ExistingStream, StreamingSessionStreamState } from './state.js';

/** A step that cannot follow the stream's state: a worker or process manager is out of step. */
export function invalidStreamTransition(
  command: StreamingSessionStreamCommand,
  state: StreamingSessionStreamState,
): DomainError {
  return conflict(
    'INVALID_STATE_TRANSITION',
    `${command.type} is not possible while the stream is ${state.state}.`,
    { command: command.type, state: state.state },
  );
}

/**
 * When a step happened, in whole seconds and never before the stream's last change: a clock that steps
 * back must not date a stream's end before its creation.
 */
export function streamAt(now: Instant, state: ExistingStream): Instant {
  return Math.max(toWholeSeconds(now), state.updatedAt);
}

/** Whether `now` has reached the stream's `expiresAt` (a whole second, so the fraction of `now` is moot). */
export function hasExpired(now: Instant, state: ExistingStream): boolean {
  return now >= state.stream.expiresAt;
}

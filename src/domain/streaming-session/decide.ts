import type { Result } from 'neverthrow';
import type { DomainError } from '../errors.js';
import type { StreamingSessionCommand } from './commands.js';
import type { StreamingSessionEvent } from './events.js';
import {
  decideCompleteDelete,
  decideCompleteStart,
  decideCompleteStop,
  decideFailDelete,
  decideFailStart,
  decideFailStop,
  decideRequestDelete,
  decideRequestStart,
  decideRequestStop,
} from './lifecycle.js';
import {
  decideCreateSession,
  decideFailSessionCreate,
  decideMarkSessionReady,
  decideRecordInstanceAllocated,
} from './provisioning.js';
import type { StreamingSessionState } from './state.js';

/**
 * Decides what a command does to one session: one function per command, and this is their table.
 * Creating an existing session is a conflict; provisioning steps are accepted only in
 * CREATE_IN_PROGRESS, and repeating a step already recorded (the same instance, an already READY
 * session) decides nothing, so a process manager that retries after a crash is safe.
 * Stop, Start and Delete follow the wrong-state rules of reference §3.3 (see `checkOperationState`), and
 * their workers' outcomes are idempotent the same way as provisioning steps.
 */
export function decide(
  command: StreamingSessionCommand,
  state: StreamingSessionState,
): Result<readonly StreamingSessionEvent[], DomainError> {
  switch (command.type) {
    case 'CreateStreamingSession':
      return decideCreateSession(command, state);
    case 'RecordInstanceAllocated':
      return decideRecordInstanceAllocated(command, state);
    case 'MarkSessionReady':
      return decideMarkSessionReady(command, state);
    case 'FailSessionCreate':
      return decideFailSessionCreate(command, state);
    case 'RequestStop':
      return decideRequestStop(command, state);
    case 'CompleteStop':
      return decideCompleteStop(command, state);
    case 'FailStop':
      return decideFailStop(command, state);
    case 'RequestStart':
      return decideRequestStart(command, state);
    case 'CompleteStart':
      return decideCompleteStart(command, state);
    case 'FailStart':
      return decideFailStart(command, state);
    case 'RequestDelete':
      return decideRequestDelete(command, state);
    case 'CompleteDelete':
      return decideCompleteDelete(command, state);
    case 'FailDelete':
      return decideFailDelete(command, state);
  }
}

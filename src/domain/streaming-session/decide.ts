import { err, ok, type Result } from 'neverthrow';
import { conflict, type DomainError } from '../errors.js';
import type { StreamingSessionCommand } from './commands.js';
import { decideCreate } from './create.js';
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
import { at, invalidTransition } from './rules.js';
import type { ExistingSession, StreamingSessionState } from './state.js';

function sessionIdOf(state: ExistingSession): string {
  return state.session.sessionId;
}

/**
 * Decides what a command does to one session. Creating an existing session is a conflict; provisioning
 * steps are accepted only in CREATE_IN_PROGRESS, and repeating a step already recorded (the same instance,
 * an already READY session) decides nothing, so a process manager that retries after a crash is safe.
 * Stop, Start and Delete follow the wrong-state rules of reference §3.3 (see `checkOperationState`), and
 * their workers' outcomes are idempotent the same way as provisioning steps.
 */
export function decide(
  command: StreamingSessionCommand,
  state: StreamingSessionState,
): Result<readonly StreamingSessionEvent[], DomainError> {
  switch (command.type) {
    case 'CreateStreamingSession':
      if (state.state !== 'NOT_REQUESTED') {
        return err(
          conflict('SESSION_ALREADY_EXISTS', `The session ${command.sessionId} already exists.`, {
            resourceId: command.sessionId,
          }),
        );
      }
      return decideCreate(command);
    case 'RecordInstanceAllocated':
      // The same instance again is a retry, whatever happened since (READY, CREATE_FAILED): nothing to do.
      if (state.state !== 'NOT_REQUESTED' && state.instanceId === command.instanceId) return ok([]);
      if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidTransition(command, state));
      if (state.instanceId !== undefined) {
        return err(
          conflict(
            'INSTANCE_ALREADY_ALLOCATED',
            `The session already has the instance ${state.instanceId}.`,
            {
              instanceId: state.instanceId,
            },
          ),
        );
      }
      return ok([
        {
          type: 'InstanceAllocated',
          version: 1,
          data: {
            sessionId: sessionIdOf(state),
            instanceId: command.instanceId,
            allocatedAt: at(command.now, state),
          },
        },
      ]);
    case 'MarkSessionReady':
      if (state.state === 'READY') return ok([]);
      if (state.state !== 'CREATE_IN_PROGRESS' || state.instanceId === undefined) {
        return err(invalidTransition(command, state));
      }
      return ok([
        {
          type: 'SessionReady',
          version: 1,
          data: { sessionId: sessionIdOf(state), readyAt: at(command.now, state) },
        },
      ]);
    case 'FailSessionCreate':
      if (state.state === 'CREATE_FAILED') return ok([]);
      if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidTransition(command, state));
      return ok([
        {
          type: 'SessionCreateFailed',
          version: 1,
          data: {
            sessionId: sessionIdOf(state),
            statusCode: command.statusCode,
            statusMessage: command.statusMessage,
            failedAt: at(command.now, state),
          },
        },
      ]);
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

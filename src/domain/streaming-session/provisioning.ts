import { err, ok, type Result } from 'neverthrow';
import { conflict, type DomainError } from '../errors.js';
import type {
  CreateStreamingSession,
  FailSessionCreate,
  MarkSessionReady,
  RecordInstanceAllocated,
} from './commands.js';
import { decideCreate } from './create.js';
import type { StreamingSessionEvent } from './events.js';
import { at, invalidTransition } from './rules.js';
import type { StreamingSessionState } from './state.js';

type Decision = Result<readonly StreamingSessionEvent[], DomainError>;

/** CreateStreamingSession: only a session that does not exist yet can be created. */
export function decideCreateSession(command: CreateStreamingSession, state: StreamingSessionState): Decision {
  if (state.state !== 'NOT_REQUESTED') {
    return err(
      conflict('SESSION_ALREADY_EXISTS', `The session ${command.sessionId} already exists.`, {
        resourceId: command.sessionId,
      }),
    );
  }
  return decideCreate(command);
}

/**
 * The provisioner's instance, recorded once while the session is being created. The same instance again is
 * a retry, whatever happened since (READY, CREATE_FAILED): nothing to do. Another instance is a conflict.
 */
export function decideRecordInstanceAllocated(
  command: RecordInstanceAllocated,
  state: StreamingSessionState,
): Decision {
  if (state.state !== 'NOT_REQUESTED' && state.instanceId === command.instanceId) return ok([]);
  if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidTransition(command, state));
  if (state.instanceId !== undefined) {
    return err(
      conflict('INSTANCE_ALREADY_ALLOCATED', `The session already has the instance ${state.instanceId}.`, {
        instanceId: state.instanceId,
      }),
    );
  }
  return ok([
    {
      type: 'InstanceAllocated',
      version: 1,
      data: {
        sessionId: state.session.sessionId,
        instanceId: command.instanceId,
        allocatedAt: at(command.now, state),
      },
    },
  ]);
}

/** The instance is up: the session becomes READY (once; a READY session again decides nothing). */
export function decideMarkSessionReady(command: MarkSessionReady, state: StreamingSessionState): Decision {
  if (state.state === 'READY') return ok([]);
  if (state.state !== 'CREATE_IN_PROGRESS' || state.instanceId === undefined) {
    return err(invalidTransition(command, state));
  }
  return ok([
    {
      type: 'SessionReady',
      version: 1,
      data: { sessionId: state.session.sessionId, readyAt: at(command.now, state) },
    },
  ]);
}

/** Provisioning failed: CREATE_FAILED with the provisioner's status code (once). */
export function decideFailSessionCreate(command: FailSessionCreate, state: StreamingSessionState): Decision {
  if (state.state === 'CREATE_FAILED') return ok([]);
  if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidTransition(command, state));
  return ok([
    {
      type: 'SessionCreateFailed',
      version: 1,
      data: {
        sessionId: state.session.sessionId,
        statusCode: command.statusCode,
        statusMessage: command.statusMessage,
        failedAt: at(command.now, state),
      },
    },
  ]);
}

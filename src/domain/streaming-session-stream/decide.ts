import type { Result } from 'neverthrow';
import type { DomainError } from '../errors.js';
import type { StreamingSessionStreamCommand } from './commands.js';
import { decideEndStream } from './ending.js';
import type { StreamingSessionStreamEvent } from './events.js';
import {
  decideCreateStreamCommand,
  decideFailStreamCreate,
  decideRecordStreamConnected,
} from './provisioning.js';
import type { StreamingSessionStreamState } from './state.js';

/**
 * Decides what a command does to one stream: one function per command, and this is their table. Every
 * step repeated after it took effect decides nothing (a retried create with its client token, the same
 * connection, a second failure or end), so a process manager that retries after a crash is safe.
 */
export function decideStream(
  command: StreamingSessionStreamCommand,
  state: StreamingSessionStreamState,
): Result<readonly StreamingSessionStreamEvent[], DomainError> {
  switch (command.type) {
    case 'CreateStreamingSessionStream':
      return decideCreateStreamCommand(command, state);
    case 'RecordStreamConnected':
      return decideRecordStreamConnected(command, state);
    case 'FailStreamCreate':
      return decideFailStreamCreate(command, state);
    case 'EndStream':
      return decideEndStream(command, state);
  }
}

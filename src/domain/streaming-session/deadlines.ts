import { MINUTE_MS, type Instant } from '../values.js';
import type { SessionRequestedData } from './events.js';

/** The frozen settings the deadlines derive from. */
export type DeadlineSettings = Pick<
  SessionRequestedData,
  | 'stopAllowed'
  | 'maxSessionLengthInMinutes'
  | 'maxStoppedSessionLengthInMinutes'
  | 'sessionPersistenceMode'
  | 'automaticTerminationMode'
>;

/** Exactly one of the two deadlines of a running session. */
export type RunningDeadline = { readonly stopAt: Instant } | { readonly terminateAt: Instant };

/**
 * The deadline of a session that starts running at `t` (its create or its Start, reference §4.5): it is
 * stopped at `t + maxSessionLength` when it may be stopped, terminated then otherwise.
 */
export function runningDeadline(settings: DeadlineSettings, t: Instant): RunningDeadline {
  const deadline = t + settings.maxSessionLengthInMinutes * MINUTE_MS;
  return settings.stopAllowed ? { stopAt: deadline } : { terminateAt: deadline };
}

/**
 * Whether a STOPPED session is terminated on its own after `maxStoppedSessionLengthInMinutes`
 * (reference §4.3): with automatic termination ACTIVATED, or on a legacy profile without persistence.
 */
export function terminatesWhenStopped(settings: DeadlineSettings): boolean {
  return (
    settings.maxStoppedSessionLengthInMinutes > 0 &&
    (settings.automaticTerminationMode === 'ACTIVATED' || settings.sessionPersistenceMode !== 'ACTIVATED')
  );
}

/**
 * The deadline of a session that reached STOPPED (reference §4.5): `stopAt` goes; `terminateAt` is
 * `stoppedAt + maxStoppedSessionLength` when the stopped session terminates on its own, absent otherwise.
 */
export function stoppedDeadline(
  settings: DeadlineSettings,
  stoppedAt: Instant,
): { readonly terminateAt?: Instant } {
  return terminatesWhenStopped(settings)
    ? { terminateAt: stoppedAt + settings.maxStoppedSessionLengthInMinutes * MINUTE_MS }
    : {};
}

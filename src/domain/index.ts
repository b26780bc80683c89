/**
 * The domain's barrel, for the layers around it: deciders, events, errors and the API's values. Imports
 * nothing outside the domain. The package's public surface is chosen by name in src/index.ts.
 */
export * from './decider.js';
export * from './errors.js';
export * from './values.js';
export * from './catalog.js';
export * from './streaming-session/commands.js';
export * from './streaming-session/events.js';
export * from './streaming-session/state.js';
export * from './streaming-session/create.js';
export * from './streaming-session/decide.js';
export * from './streaming-session/evolve.js';
export * from './streaming-session/decider.js';
export * from './streaming-session/deadlines.js';
export {
  ALLOWED_FROM,
  ALREADY_UNDER_WAY,
  checkOperationState,
  type SessionOperation,
  type StateCheck,
} from './streaming-session/rules.js';
export * from './streaming-session/view.js';
export * from './quota/ledger.js';
export * from './create-streaming-session.js';
export * from './release-session-slot.js';
export * from './streaming-session-stream/index.js';

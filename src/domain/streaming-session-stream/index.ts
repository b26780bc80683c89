/**
 * The stream aggregate: a session's streams (reference §9.1), each its own decider, created while the
 * session is READY and ended when it expires or its session leaves READY.
 */
export * from './values.js';
export * from './ids.js';
export * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './access.js';
export {
  checkLiveStreamLimit,
  checkSessionReadyForStream,
  decideCreateStream,
  resolveExpirationInSeconds,
} from './create.js';
export { SESSION_STILL_READY, STREAM_NOT_EXPIRED } from './ending.js';
export { decideStream } from './decide.js';
export { evolveStream } from './evolve.js';
export * from './view.js';
export * from './decider.js';

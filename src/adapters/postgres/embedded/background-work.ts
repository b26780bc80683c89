import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which work may wait. The job worker's steps (provisioning, stops, purges) answer nobody who is
 * waiting on the line; requests do. Where requests and steps share something scarce, such as the
 * embedded database's one connection, requests go first.
 *
 * The mark is an async context: everything `runAsBackgroundWork` sets going (the worker's loop, its
 * claims, its steps, their timers) is background work in every continuation; the caller's own context is
 * left as it was.
 */
const backgroundWork = new AsyncLocalStorage<true>();

/** Runs `start`; all it sets going is background work. */
export function runAsBackgroundWork<T>(start: () => T): T {
  return backgroundWork.run(true, start);
}

/** Whether the code running now was set going by `runAsBackgroundWork`. */
export function isBackgroundWork(): boolean {
  return backgroundWork.getStore() === true;
}

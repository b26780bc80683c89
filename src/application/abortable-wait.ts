/**
 * Waits until `timeoutMs` passes, `signal` aborts, or `subscribe`'s wake-up is called, whichever comes
 * first, and leaves no timer, listener or subscription behind. `subscribe` registers the wake-up and
 * returns how to unregister it.
 */
export function abortableWait(
  timeoutMs: number,
  signal?: AbortSignal,
  subscribe?: (wake: () => void) => () => void,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      unsubscribe?.();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const unsubscribe = subscribe?.(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

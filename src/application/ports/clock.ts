/**
 * The time, for everything that needs it: commands carry `now` into the domain, and the job worker waits
 * for due times through `waitUntil`, so a virtual clock can move time forward in a test and see exactly
 * the steps that are due run, with no real waiting.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;

  /**
   * Resolves once `now()` has reached `at` (at once when it already has), or as soon as `signal` aborts.
   * Leaves no timer or listener behind either way.
   */
  waitUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** New identifiers in the formats of the reference §5. */
export interface IdGenerator {
  /** A new session id: 22 characters of base64url (a UUID's 16 bytes). */
  sessionId(): string;
  /** A new request id for responses and logs. */
  requestId(): string;
}

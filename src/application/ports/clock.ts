/** The time, for everything that needs it: commands carry `now` into the domain. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** New identifiers in the formats of the reference §5. */
export interface IdGenerator {
  /** A new session id: 22 characters of base64url (a UUID's 16 bytes). */
  sessionId(): string;
  /** A new request id for responses and logs. */
  requestId(): string;
}

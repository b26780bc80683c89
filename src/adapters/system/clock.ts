import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '../../application/ports/clock.js';

/** The machine's clock. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/** A random UUID's 16 bytes as 22 characters of base64url, the id form of reference §5. */
export function base64UrlUuid(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

/** Random ids in the reference's formats. */
export class RandomIdGenerator implements IdGenerator {
  sessionId(): string {
    return base64UrlUuid();
  }

  requestId(): string {
    return randomUUID();
  }
}

import { randomUUID } from 'node:crypto';
import { abortableWait } from '../../application/abortable-wait.js';
import type { Clock, IdGenerator } from '../../application/ports/clock.js';

/** setTimeout's longest delay; a longer wait is taken in steps of it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The machine's clock. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  async waitUntil(at: number, signal?: AbortSignal): Promise<void> {
    for (let left = at - Date.now(); left > 0 && signal?.aborted !== true; left = at - Date.now()) {
      await abortableWait(Math.min(left, MAX_TIMER_MS), signal);
    }
  }
}

/** The largest first byte whose base64url character is a letter or digit: from 0xf8 it is `-` or `_`. */
const MAX_CLI_SAFE_FIRST_BYTE = 0xf7;

/**
 * A random UUID's 16 bytes as 22 characters of base64url, the id form of reference §5, never starting with
 * `-` or `_`. The AWS CLI reads an argument that starts with `-` as an option, so `--session-id -KFl…` would
 * fail. The first character is the first byte's top six bits; the draws that make it `-` or `_` (1 in 32)
 * are drawn again, so the ids that remain stay uniformly distributed.
 */
export function base64UrlUuid(): string {
  for (;;) {
    const bytes = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
    if (bytes.readUInt8(0) <= MAX_CLI_SAFE_FIRST_BYTE) return bytes.toString('base64url');
  }
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

/**
 * Session ids as the server mints them: the 22-character base64url form of reference §5, and safe to pass
 * to the AWS CLI, whose argument parser takes anything that starts with `-` for an option.
 */
import { RandomIdGenerator } from 'nimble-streaming-sessions';
import { describe, expect, it } from 'vitest';

describe('RandomIdGenerator.sessionId', () => {
  it('mints 100,000 distinct ids of 22 base64url characters, none starting with - or _', () => {
    const ids = new RandomIdGenerator();
    const seen = new Set<string>();
    const firstCharacters = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const id = ids.sessionId();
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
      seen.add(id);
      firstCharacters.add(id.charAt(0));
    }
    expect(seen.size).toBe(100_000);
    // Every letter and digit still starts some id: only the two unsafe characters were taken out.
    expect(firstCharacters.size).toBe(62);
  });
});

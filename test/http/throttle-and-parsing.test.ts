/** The token bucket, and the parsing of the SigV4 Authorization and X-Amz-Date headers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmzDate, parseAuthorization } from '../../src/adapters/http/sigv4-parse.js';
import { TokenBucketThrottle } from '../../src/adapters/http/throttle.js';

function manualClock(start = 0) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

describe('TokenBucketThrottle', () => {
  it('lets a burst through, then one request per 1/rate seconds, per principal', () => {
    const clock = manualClock();
    const bucket = new TokenBucketThrottle({ ratePerSecond: 2, burst: 3 }, clock);
    expect([bucket.take('a'), bucket.take('a'), bucket.take('a')]).toEqual([0, 0, 0]);
    expect(bucket.take('a')).toBe(500);
    expect(bucket.take('b')).toBe(0);
    clock.time += 250;
    expect(bucket.take('a')).toBe(250);
    clock.time += 250;
    expect(bucket.take('a')).toBe(0);
    clock.time += 60_000;
    expect([bucket.take('a'), bucket.take('a'), bucket.take('a'), bucket.take('a')]).toEqual([0, 0, 0, 500]);
  });

  it('never admits more than burst + rate × elapsed requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 200 }),
        (rate, burst, gaps) => {
          const clock = manualClock();
          const bucket = new TokenBucketThrottle({ ratePerSecond: rate, burst }, clock);
          let admitted = 0;
          for (const gap of gaps) {
            clock.time += gap;
            if (bucket.take('p') === 0) admitted += 1;
          }
          expect(admitted).toBeLessThanOrEqual(burst + (rate * clock.time) / 1000 + 1e-9);
        },
      ),
    );
  });

  it('refuses settings that would admit nothing', () => {
    expect(() => new TokenBucketThrottle({ ratePerSecond: 0, burst: 1 }, manualClock())).toThrow();
    expect(() => new TokenBucketThrottle({ ratePerSecond: 1, burst: 0 }, manualClock())).toThrow();
  });
});

describe('SigV4 header parsing', () => {
  const good =
    'AWS4-HMAC-SHA256 Credential=AKID/20240102/us-west-2/nimble/aws4_request, ' +
    `SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`;

  it('reads the parts of an Authorization header', () => {
    expect(parseAuthorization(good)._unsafeUnwrap()).toEqual({
      accessKeyId: 'AKID',
      date: '20240102',
      region: 'us-west-2',
      service: 'nimble',
      terminator: 'aws4_request',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'a'.repeat(64),
    });
  });

  it.each([
    ['another scheme', 'Bearer token', 'UNSUPPORTED_AUTHORIZATION'],
    ['a missing part', good.replace(/, Signature=.*/, ''), 'INCOMPLETE_SIGNATURE'],
    ['a repeated part', `${good}, Signature=${'b'.repeat(64)}`, 'INCOMPLETE_SIGNATURE'],
    ['a short scope', good.replace('/nimble/aws4_request', '/nimble'), 'INCOMPLETE_SIGNATURE'],
    ['upper-case header names', good.replace('host;', 'Host;'), 'INCOMPLETE_SIGNATURE'],
    ['a repeated header name', good.replace('host;x-amz-date', 'host;host'), 'INCOMPLETE_SIGNATURE'],
    ['a non-hex signature', good.replace('a'.repeat(64), 'z'.repeat(64)), 'INCOMPLETE_SIGNATURE'],
  ])('refuses %s', (_, header, code) => {
    expect(parseAuthorization(header)._unsafeUnwrapErr()).toMatchObject({
      type: 'AccessDeniedException',
      code,
    });
  });

  it('reads X-Amz-Date only in its exact form and only for real instants', () => {
    expect(parseAmzDate('20240102T030405Z')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    for (const bad of [
      '2024-01-02T03:04:05Z',
      '20241302T030405Z',
      '20240230T000000Z',
      '20240102T250000Z',
      '20240102T030405',
      '',
    ]) {
      expect(parseAmzDate(bad)).toBeUndefined();
    }
  });
});

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, requestFingerprint } from '../../src/application/fingerprint.js';

/** The canonical form as first written: entries filtered, sorted, mapped and joined. The oracle. */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
}

function referenceFingerprint(operation: string, input: Record<string, unknown>, callerId: string): string {
  const { clientToken: _token, ...rest } = input;
  return createHash('sha256')
    .update(referenceCanonicalJson({ operation, input: rest, caller: callerId }))
    .digest('base64url');
}

/** JSON-like values with undefined members and array slots, which the canonical form drops or empties. */
const arbValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A request input as the handlers fingerprint it: string members, optional tags, maybe a client token. */
const arbInput = fc.record(
  {
    studioId: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
    launchProfileId: fc.string({ unit: 'binary', maxLength: 22 }),
    ec2InstanceType: fc.constantFrom('g4dn.xlarge', 'g4dn.2xlarge', 'g5.xlarge'),
    ownedBy: fc.string({ unit: 'binary', maxLength: 40 }),
    tags: fc.dictionary(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      {
        maxKeys: 6,
      },
    ),
    clientToken: fc.string({ minLength: 1, maxLength: 64 }),
  },
  { requiredKeys: ['studioId', 'launchProfileId'] },
);

/** The same members inserted in another order, at every level. */
function reordered(value: unknown, seed: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => reordered(v, seed));
  const entries = Object.entries(value as Record<string, unknown>);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]!).reverse();
  // Integer-like keys are always enumerated first, whatever the insertion order; the rest follow it.
  return Object.fromEntries(rotated.map(([k, v]) => [k, reordered(v, seed + 1)]));
}

describe('canonicalJson', () => {
  it('writes exactly the text of the reference canonical form', () => {
    fc.assert(
      fc.property(arbValue, (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on the order members were inserted in', () => {
    fc.assert(
      fc.property(arbValue, fc.nat(10), (value, seed) => {
        expect(canonicalJson(reordered(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('drops undefined members and empties undefined array slots, as JSON.stringify and join do', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined, null, 'x'] })).toBe('{"b":1,"c":[,null,"x"]}');
    expect(canonicalJson([1, undefined, { b: [null, undefined], a: 'x' }])).toBe(
      '[1,,{"a":"x","b":[null,]}]',
    );
  });
});

describe('requestFingerprint', () => {
  it('keeps the values already stored with client tokens and in SessionRequested events', () => {
    // Pinned: a stored fingerprint that changed would turn every retry across an upgrade into a mismatch.
    expect(
      requestFingerprint(
        'CreateStreamingSession',
        {
          studioId: 'us-west-2:stid-demo1234abcd5678',
          launchProfileId: 'LpArtistWorkstation001',
          tags: { project: 'demo', 'é\u0000': 'x' },
          clientToken: 't-1',
        },
        'artist-1',
      ),
    ).toBe('6rw7J4Wwmy9-on3fJHHrqCIHxyFyXMrWLcu74CkScfk');
    expect(
      requestFingerprint(
        'StopStreamingSession',
        { studioId: 's', sessionId: 'abc', clientToken: 't' },
        'admin',
      ),
    ).toBe('Phu7EqZ6wpwUzZcEY2hbXruwjTkL7eNcjeim-8bK2Zk');
  });

  it('is SHA-256 of the canonical form of operation, input without the token, and caller', () => {
    fc.assert(
      fc.property(fc.string(), arbInput, fc.string(), (operation, input, caller) => {
        expect(requestFingerprint(operation, input, caller)).toBe(
          referenceFingerprint(operation, input, caller),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('is the same for the same request, whatever the member order and the client token', () => {
    fc.assert(
      fc.property(arbInput, fc.nat(10), fc.string({ minLength: 1 }), (input, seed, otherToken) => {
        const again = { ...(reordered(input, seed) as typeof input), clientToken: otherToken };
        expect(requestFingerprint('Op', again, 'caller')).toBe(requestFingerprint('Op', input, 'caller'));
      }),
    );
  });

  it('differs when any member, the operation or the caller differs', () => {
    const members = ['studioId', 'launchProfileId', 'ec2InstanceType', 'ownedBy', 'tags'] as const;
    fc.assert(
      fc.property(
        arbInput,
        fc.constantFrom(...members, 'operation', 'caller'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
        (input, changed, suffix) => {
          const base = requestFingerprint('Op', input, 'caller');
          const fingerprint =
            changed === 'operation'
              ? requestFingerprint(`Op${suffix}`, input, 'caller')
              : changed === 'caller'
                ? requestFingerprint('Op', input, `caller${suffix}`)
                : changed === 'tags'
                  ? requestFingerprint(
                      'Op',
                      { ...input, tags: { ...input.tags, k: `${input.tags?.k ?? ''}${suffix}` } },
                      'caller',
                    )
                  : requestFingerprint(
                      'Op',
                      { ...input, [changed]: `${input[changed] ?? ''}${suffix}` },
                      'caller',
                    );
          expect(fingerprint).not.toBe(base);
        },
      ),
    );
  });
});

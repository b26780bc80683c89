/**
 * Verification on node:crypto with cached signing keys: it decides every request exactly as the previous
 * verifier (smithy's SignatureV4 recomputing the signature) did, the key cache stays within its bound,
 * and a changed secret is never answered from the cache.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ApiCredential, CredentialStore } from '../../src/adapters/http/credentials.js';
import { deriveSigningKey, SigningKeyCache } from '../../src/adapters/http/sigv4-keys.js';
import { SigV4Verifier, type ReceivedRequest } from '../../src/adapters/http/sigv4.js';
import { PreviousSigV4Verifier } from './sigv4-previous.js';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const clock = { now: () => NOW };
const caller = { principalId: 'artist-1', kind: 'STUDIO_USER' } as const;
const LONG_TERM = { accessKeyId: 'AKIALONGTERM00000001', secretAccessKey: 'long-term-secret-0001' };
const TEMPORARY = {
  accessKeyId: 'ASIATEMPORARY0000001',
  secretAccessKey: 'temporary-secret-0001',
  sessionToken: 'token/+==0001',
};

function store(...credentials: ApiCredential[]): CredentialStore {
  const byKey = new Map(credentials.map((c) => [c.accessKeyId, c]));
  return { lookup: (id) => Promise.resolve(byKey.get(id)) };
}

const credentials = store({ ...LONG_TERM, caller }, { ...TEMPORARY, expiresAt: NOW + 60_000, caller });

/** A request signed as the SDK signs, with the pure-JS SHA-256 so the signer shares no code with either. */
async function signed(
  spec: {
    method: string;
    path: string;
    query: Record<string, string | string[]>;
    headers: Record<string, string>;
    body: string;
    region: string;
    skewMs: number;
    temporary: boolean;
    checksum: boolean;
  },
  rawQuery: string,
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    credentials: spec.temporary ? TEMPORARY : LONG_TERM,
    region: spec.region,
    service: 'nimble',
    sha256: Sha256,
    applyChecksum: spec.checksum,
  });
  const request = await signer.sign(
    new HttpRequest({
      method: spec.method,
      path: spec.path,
      query: spec.query,
      headers: { host: 'localhost:8080', ...spec.headers },
      body: spec.body,
    }),
    { signingDate: new Date(NOW + spec.skewMs) },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: spec.method,
    url: rawQuery === '' ? spec.path : `${spec.path}?${rawQuery}`,
    headers,
    body: Buffer.from(spec.body),
  };
}

const piece = fc.constantFrom(
  'a',
  'Z9',
  '%3A',
  '%2F',
  '%20',
  '%zz',
  '.',
  '..',
  '',
  '~-_',
  "!'()*",
  ':@',
  '+',
  'é',
  '%E2%9C%93',
  'X-Amz-Signature',
);
const word = fc.array(piece, { maxLength: 3 }).map((parts) => parts.join(''));
const queryPart = fc.tuple(word, fc.option(word)).map(([n, v]) => (v === null ? n : `${n}=${v}`));
const headerName = fc.constantFrom('content-type', 'x-amz-client-token', 'x-custom', 'date', 'user-agent');
const headerText = fc.constantFrom('a', ' a  b ', 'a\tb', 'x,y', '', 'application/json');

/** What a client, or someone in between, does to a request after it was signed. */
type Tamper = (r: ReceivedRequest) => ReceivedRequest;
const withHeaders = (r: ReceivedRequest, headers: Record<string, string>): ReceivedRequest => ({
  ...r,
  headers: { ...r.headers, ...headers },
});
const auth = (r: ReceivedRequest) => String(r.headers.authorization);
const tampers: Record<string, Tamper> = {
  none: (r) => r,
  signature: (r) => withHeaders(r, { authorization: auth(r).replace(/.$/, (c) => (c === '0' ? '1' : '0')) }),
  dateSigned: (r) =>
    withHeaders(r, {
      authorization: auth(r).replace('SignedHeaders=', 'SignedHeaders=date;'),
      date: 'Mon, 30 Nov 2026 12:00:00 GMT',
    }),
  authorizationSigned: (r) =>
    withHeaders(r, { authorization: auth(r).replace('SignedHeaders=', 'SignedHeaders=authorization;') }),
  reordered: (r) =>
    withHeaders(r, {
      authorization: auth(r).replace(/SignedHeaders=([^,]+)/, (_, list: string) => {
        return `SignedHeaders=${list.split(';').reverse().join(';')}`;
      }),
    }),
  hostRewritten: (r) => withHeaders(r, { host: ' localhost:8080  ' }),
  unsignedAmz: (r) => withHeaders(r, { 'x-amz-client-token': 'smuggled' }),
  path: (r) => ({ ...r, url: r.url.replace(/^\/[^/?]*/, '/other') }),
  query: (r) => ({ ...r, url: `${r.url}${r.url.includes('?') ? '&' : '?'}extra=1` }),
  body: (r) => ({ ...r, body: Buffer.concat([r.body, Buffer.from('x')]) }),
  noToken: (r) => {
    const headers = { ...r.headers };
    delete headers['x-amz-security-token'];
    return { ...r, headers };
  },
};

/** The verdict without the request id-free parts that may differ (none should). */
async function verdicts(request: ReceivedRequest, regions: '*' | undefined) {
  const options = { credentials, clock, ...(regions === undefined ? {} : { regions }) };
  const [now, before] = await Promise.all([
    new SigV4Verifier(options).verify(request),
    new PreviousSigV4Verifier(options).verify(request),
  ]);
  return { now, before };
}

describe('native SigV4 verification', () => {
  it('decides every request as the smithy-based verifier did', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
          segments: fc.array(word, { maxLength: 5 }),
          trailingSlash: fc.boolean(),
          query: fc.array(queryPart, { maxLength: 4 }),
          headers: fc.dictionary(headerName, headerText, { maxKeys: 3 }),
          body: fc.string({ maxLength: 20 }),
          region: fc.constantFrom('us-west-2', 'eu-west-1', 'mars-north-1'),
          skewMs: fc.constantFrom(0, -60_000, 14 * 60_000, 16 * 60_000),
          temporary: fc.boolean(),
          checksum: fc.boolean(),
          tamper: fc.constantFrom(...Object.keys(tampers), 'none', 'none', 'none'),
          anyRegion: fc.boolean(),
        }),
        async (spec) => {
          const path = `/${spec.segments.join('/')}${spec.trailingSlash ? '/' : ''}`;
          const rawQuery = spec.query.join('&');
          const request = await signed(
            { ...spec, path, query: clientQuery(rawQuery), headers: spec.headers },
            rawQuery,
          );
          const tampered = (tampers[spec.tamper] ?? tampers.none!)(request);
          const { now, before } = await verdicts(tampered, spec.anyRegion ? '*' : undefined);
          expect(now).toEqual(before);
          if (now.isOk()) accepted++;
        },
      ),
      { numRuns: 600 },
    );
    // The generator must not only make refusals: enough requests pass for the agreement to mean something.
    expect(accepted).toBeGreaterThan(100);
  });
});

/** The query as a client hands it to the signer: decoded, a broken escape kept as it is, repeats as lists. */
function clientQuery(raw: string): Record<string, string | string[]> {
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const bag: Record<string, string | string[]> = {};
  for (const part of raw.split('&').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const previous = bag[name];
    bag[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return bag;
}

describe('the signing-key cache', () => {
  const scope = (i: number) => ({
    accessKeyId: `AKIA${String(i)}`,
    date: '20261130',
    region: 'us-west-2',
    service: 'nimble',
  });

  it('holds no more keys than its bound, forgetting the least recently used', () => {
    const cache = new SigningKeyCache(8);
    for (let i = 0; i < 8; i++) cache.set(scope(i), 'secret', deriveSigningKey('secret', scope(i)));
    expect(cache.get(scope(0), 'secret')).toBeDefined(); // 0 is now the most recently used
    for (let i = 8; i < 1000; i++) cache.set(scope(i), 'secret', deriveSigningKey('secret', scope(i)));
    expect(cache.size).toBe(8);
    expect(cache.get(scope(0), 'secret')).toBeUndefined();
    expect(cache.get(scope(991), 'secret')).toBeUndefined();
    for (let i = 992; i < 1000; i++) {
      expect(cache.get(scope(i), 'secret')).toEqual(deriveSigningKey('secret', scope(i)));
    }
    expect(() => new SigningKeyCache(0)).toThrow(RangeError);
  });

  it('serves a key only for the secret it was derived from', () => {
    const cache = new SigningKeyCache();
    cache.set(scope(1), 'old-secret', deriveSigningKey('old-secret', scope(1)));
    expect(cache.get(scope(1), 'new-secret')).toBeUndefined();
    expect(cache.get(scope(1), 'old-secret-but-longer')).toBeUndefined();
    expect(cache.get(scope(1), 'old-secret')).toEqual(deriveSigningKey('old-secret', scope(1)));
  });

  it('the verifier accepts the new secret and refuses the old one as soon as a secret is rotated', async () => {
    let secretAccessKey = 'first-secret-000001';
    const rotating: CredentialStore = {
      lookup: (accessKeyId) =>
        Promise.resolve(
          accessKeyId === 'AKIAROTATING00000001' ? { accessKeyId, secretAccessKey, caller } : undefined,
        ),
    };
    const verifier = new SigV4Verifier({ credentials: rotating, clock });
    const request = (secret: string) =>
      signedWith({ accessKeyId: 'AKIAROTATING00000001', secretAccessKey: secret });
    const first = await request('first-secret-000001');
    expect((await verifier.verify(first)).isOk()).toBe(true);
    expect((await verifier.verify(first)).isOk()).toBe(true); // from the cache
    secretAccessKey = 'second-secret-00001';
    const refused = await verifier.verify(first);
    expect(refused._unsafeUnwrapErr()).toMatchObject({ code: 'SIGNATURE_DOES_NOT_MATCH' });
    expect((await verifier.verify(await request('second-secret-00001'))).isOk()).toBe(true);
  });

  it('keeps a key only once a signature made with it matched, and then reuses it', async () => {
    const stored = vi.spyOn(SigningKeyCache.prototype, 'set');
    try {
      const verifier = new SigV4Verifier({ credentials, clock, regions: '*' });
      for (let i = 0; i < 50; i++) {
        const forged = await signedWith(
          { ...LONG_TERM, secretAccessKey: 'not-the-secret' },
          `region-${String(i)}`,
        );
        expect((await verifier.verify(forged)).isErr()).toBe(true);
      }
      expect(stored).not.toHaveBeenCalled();
      const good = await signedWith(LONG_TERM);
      for (let i = 0; i < 3; i++) expect((await verifier.verify(good)).isOk()).toBe(true);
      expect(stored).toHaveBeenCalledTimes(1);
    } finally {
      stored.mockRestore();
    }
  });
});

async function signedWith(
  creds: { accessKeyId: string; secretAccessKey: string },
  region = 'us-west-2',
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({ credentials: creds, region, service: 'nimble', sha256: Sha256 });
  const request = await signer.sign(
    new HttpRequest({
      method: 'GET',
      path: '/2020-08-01/studios/s/streaming-sessions',
      headers: { host: 'h' },
    }),
    { signingDate: new Date(NOW) },
  );
  return { method: 'GET', url: request.path, headers: request.headers, body: new Uint8Array(0) };
}

/**
 * The verifier as it was before verification moved onto node:crypto with a signing-key cache: the same
 * checks, with the signature recomputed by smithy's SignatureV4 (the signer the SDK itself uses). Kept as
 * the reference the native verifier is compared with (test/http/sigv4-native.test.ts) and as the "before"
 * of bench/sigv4.ts. Not used by the server.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { err, ok, type Result } from 'neverthrow';
import { accessDenied, NIMBLE_REGIONS, type AccessDeniedException } from '../../src/domain/index.js';
import type { ApiCredential } from '../../src/adapters/http/credentials.js';
import {
  parseAuthorization,
  parseAmzDate,
  type ParsedAuthorization,
} from '../../src/adapters/http/sigv4-parse.js';
import type { Authenticated, ReceivedRequest, SigV4Options } from '../../src/adapters/http/sigv4.js';

const SIGNING_SERVICE = 'nimble';

/** node:crypto's SHA-256 in the shape the smithy signer takes (what @smithy/hash-node provides). */
class NodeSha256 {
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = this.fresh();
  }
  private fresh(): ReturnType<typeof createHash> | ReturnType<typeof createHmac> {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : toBuffer(this.secret);
    return createHmac('sha256', key);
  }
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.fresh();
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}

const denied = (code: string, message: string, context: Record<string, string> = {}) =>
  err(accessDenied(code, message, context));

/** The query string as the signer wants it: decoded names to decoded values (repeats as lists). */
function parseQuery(query: string): Record<string, string | string[]> | undefined {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  try {
    for (const part of query.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
      const previous = bag[name];
      bag[name] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
  } catch {
    return undefined;
  }
  return bag;
}

/** A header's value; own properties only, so a signed-header name like `__proto__` finds nothing. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Client-supplied text echoed in an error, cut to a length that cannot bloat the response. */
const echo = (text: string): string => text.slice(0, 256);

/**
 * Verifies AWS Signature Version 4 (header form) the way AWS does: it recomputes the signature over the
 * request as received, with the stored secret, using the same signer the SDK signs with (smithy's
 * SignatureV4), and compares in constant time. The path is taken raw from the request line, because the
 * SDK and botocore sign the percent-encoded path (`us-west-2%3Astid-…`) and the router decodes it.
 */
export class PreviousSigV4Verifier {
  readonly #maxSkewMs: number;
  readonly #regions: ReadonlySet<string> | '*';

  constructor(private readonly options: SigV4Options) {
    this.#maxSkewMs = options.maxClockSkewMs ?? 15 * 60 * 1000;
    this.#regions = options.regions === '*' ? '*' : new Set(options.regions ?? NIMBLE_REGIONS);
  }

  /**
   * The authenticated caller and the region it signed for, or an AccessDeniedException whose `code` says
   * what was wrong.
   */
  async verify(request: ReceivedRequest): Promise<Result<Authenticated, AccessDeniedException>> {
    const authorization = headerValue(request.headers, 'authorization');
    if (authorization === undefined || authorization === '') {
      return denied('MISSING_AUTHENTICATION_TOKEN', 'The request is not signed (no Authorization header).');
    }
    const parsed = parseAuthorization(authorization);
    if (parsed.isErr()) return err(parsed.error);
    const auth = parsed.value;
    const checked = this.checkEnvelope(request, auth);
    if (checked.isErr()) return err(checked.error);
    const credential = await this.options.credentials.lookup(auth.accessKeyId);
    if (credential === undefined) {
      return denied('UNRECOGNIZED_CLIENT', 'The access key id is not known to this server.', {
        accessKeyId: echo(auth.accessKeyId),
      });
    }
    const payloadHash = createHash('sha256').update(request.body).digest('hex');
    const claimedHash = headerValue(request.headers, 'x-amz-content-sha256');
    if (claimedHash !== undefined && claimedHash !== payloadHash) {
      return denied('PAYLOAD_HASH_MISMATCH', 'X-Amz-Content-Sha256 is not the SHA-256 of the request body.');
    }
    const expected = await this.signatureOf(request, auth, credential.secretAccessKey, checked.value);
    if (expected === undefined || !sameHex(expected, auth.signature)) {
      return denied(
        'SIGNATURE_DOES_NOT_MATCH',
        'The request signature does not match the one computed with the secret of the access key. ' +
          'Check the secret access key and the signing method.',
        { accessKeyId: echo(auth.accessKeyId) },
      );
    }
    const token = this.checkSessionToken(credential, headerValue(request.headers, 'x-amz-security-token'));
    if (token.isErr()) return err(token.error);
    return ok({ caller: credential.caller, region: auth.region });
  }

  /**
   * A temporary key's requests carry its session token (signed, as every x-amz-* header is) until it
   * expires; a long-term key's carry none. Checked after the signature, so only the key's holder learns
   * which of these went wrong.
   */
  private checkSessionToken(
    credential: ApiCredential,
    token: string | undefined,
  ): Result<void, AccessDeniedException> {
    const context = { accessKeyId: echo(credential.accessKeyId) };
    if (credential.sessionToken === undefined) {
      return token === undefined
        ? ok(undefined)
        : denied(
            'UNRECOGNIZED_CLIENT',
            'The access key is a long-term key: a request signed with it must not carry X-Amz-Security-Token.',
            context,
          );
    }
    if (token === undefined || token === '') {
      return denied(
        'MISSING_SECURITY_TOKEN',
        'The access key is temporary: the request must carry its session token in X-Amz-Security-Token.',
        context,
      );
    }
    if (!sameSecret(token, credential.sessionToken)) {
      return denied(
        'INVALID_SECURITY_TOKEN',
        'The security token included in the request is not the session token of the access key.',
        context,
      );
    }
    if (credential.expiresAt !== undefined && this.options.clock.now() >= credential.expiresAt) {
      return denied('EXPIRED_TOKEN', 'The security token included in the request is expired.', {
        ...context,
        expiredAt: new Date(credential.expiresAt).toISOString(),
      });
    }
    return ok(undefined);
  }

  /** Date, scope and signed-header rules, checked before the secret is looked up. Returns the date. */
  private checkEnvelope(
    request: ReceivedRequest,
    auth: ParsedAuthorization,
  ): Result<Date, AccessDeniedException> {
    const amzDate = headerValue(request.headers, 'x-amz-date');
    const date = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (amzDate === undefined || date === undefined) {
      return denied(
        'INCOMPLETE_SIGNATURE',
        'A signed request needs an X-Amz-Date header (YYYYMMDDTHHMMSSZ).',
      );
    }
    const now = this.options.clock.now();
    if (Math.abs(date.getTime() - now) > this.#maxSkewMs) {
      const minutes = String(Math.round(this.#maxSkewMs / 60_000));
      return denied('SIGNATURE_EXPIRED', `X-Amz-Date is more than ${minutes} minutes from the server time.`, {
        requestTime: amzDate,
        serverTime: new Date(now).toISOString(),
      });
    }
    const scope = `${auth.date}/${auth.region}/${auth.service}/${auth.terminator}`;
    const regionOk = this.#regions === '*' || this.#regions.has(auth.region);
    if (
      auth.date !== amzDate.slice(0, 8) ||
      auth.service !== SIGNING_SERVICE ||
      auth.terminator !== 'aws4_request' ||
      !regionOk
    ) {
      return denied(
        'INVALID_CREDENTIAL_SCOPE',
        `The credential scope ${scope} must be <X-Amz-Date's day>/<region>/${SIGNING_SERVICE}/aws4_request, ` +
          'with a region this server accepts.',
        { scope: echo(scope) },
      );
    }
    const signed = new Set(auth.signedHeaders);
    const unsigned = ['host', 'x-amz-date']
      .concat(Object.keys(request.headers).filter((name) => name.startsWith('x-amz-')))
      .find((name) => !signed.has(name));
    const absent = auth.signedHeaders.find((name) => headerValue(request.headers, name) === undefined);
    if (unsigned !== undefined || absent !== undefined) {
      return denied(
        'INCOMPLETE_SIGNATURE',
        unsigned === undefined
          ? `The signed header ${absent ?? ''} is not in the request.`
          : `The header ${unsigned} must be signed (host, x-amz-date and every x-amz-* header are).`,
        { header: echo(unsigned ?? absent ?? '') },
      );
    }
    return ok(date);
  }

  /** The signature the client should have sent, or undefined when the query string cannot be decoded. */
  private async signatureOf(
    request: ReceivedRequest,
    auth: ParsedAuthorization,
    secretAccessKey: string,
    signingDate: Date,
  ): Promise<string | undefined> {
    const q = request.url.indexOf('?');
    const path = q < 0 ? request.url : request.url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : request.url.slice(q + 1));
    if (query === undefined) return undefined;
    const headers = Object.create(null) as Record<string, string>;
    for (const name of auth.signedHeaders) headers[name] = headerValue(request.headers, name) ?? '';
    const signer = new SignatureV4({
      credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
      region: auth.region,
      service: SIGNING_SERVICE,
      sha256: NodeSha256,
      uriEscapePath: true,
      // The client's own x-amz-content-sha256 (checked against the body above) is signed if it sent one;
      // the verifier must not add one it did not send.
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({ method: request.method, path, query, headers, body: request.body }),
      { signingDate, signableHeaders: new Set(auth.signedHeaders) },
    );
    const header = signed.headers.authorization ?? '';
    return /Signature=([0-9a-f]{64})$/.exec(header)?.[1];
  }
}

/** Compares two secrets in constant time: their SHA-256 digests have the same length whatever theirs. */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

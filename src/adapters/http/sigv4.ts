import * as nodeCrypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { err, ok, type Result } from 'neverthrow';
import type { Clock } from '../../application/ports/clock.js';
import { accessDenied, NIMBLE_REGIONS, type AccessDeniedException, type Caller } from '../../domain/index.js';
import type { ApiCredential, CredentialStore } from './credentials.js';
import { canonicalRequest, headerValue } from './sigv4-canonical.js';
import { deriveSigningKey, SigningKeyCache, type SigningScope } from './sigv4-keys.js';
import { parseAuthorization, parseAmzDate, type ParsedAuthorization } from './sigv4-parse.js';

/** The regions the service ran in (reference §1.1): the default set of acceptable signing regions. */
export { NIMBLE_REGIONS };

/** The signing name of the service (reference §1.1): a signature scoped to another service is refused. */
export const SIGNING_SERVICE = 'nimble';

/** How signatures are checked. */
export interface SigV4Options {
  readonly credentials: CredentialStore;
  readonly clock: Pick<Clock, 'now'>;
  /** How far X-Amz-Date may be from the server's clock, either way. Default 15 minutes, as AWS allows. */
  readonly maxClockSkewMs?: number;
  /** Signing regions accepted in the credential scope; `'*'` accepts any. Default: NIMBLE_REGIONS. */
  readonly regions?: readonly string[] | '*';
}

/** Who signed a request, and for which region (the credential scope's): a regional endpoint's view. */
export interface Authenticated {
  readonly caller: Caller;
  readonly region: string;
}

/** A request as received: the raw request-target (still percent-encoded), headers and body bytes. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

const denied = (code: string, message: string, context: Record<string, string> = {}) =>
  err(accessDenied(code, message, context));

/** `crypto.hash`, the one-shot digest (Node 20.12 and later): no Hash object per call. */
const oneShot = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;

/** SHA-256 in lower-case hex: one-shot where Node has it, through a Hash object where it does not. */
const sha256Hex: (data: string | Uint8Array) => string =
  oneShot === undefined
    ? (data) => createHash('sha256').update(data).digest('hex')
    : (data) => oneShot('sha256', data, 'hex');

/** The SHA-256 of no bytes, the payload hash of every request without a body (gets, lists, deletes). */
const EMPTY_PAYLOAD_HASH = sha256Hex(new Uint8Array(0));

/** Client-supplied text echoed in an error, cut to a length that cannot bloat the response. */
const echo = (text: string): string => text.slice(0, 256);

/**
 * Verifies AWS Signature Version 4 (header form) the way AWS does: it recomputes the signature over the
 * request as received, with the stored secret, on node:crypto, and compares in constant time. The
 * canonical request is the one the SDK's own signer (smithy's SignatureV4) builds; the signing key is
 * derived once per (access key, day, region, service) and kept in a bounded cache. The path is taken raw
 * from the request line, because the SDK and botocore sign the percent-encoded path
 * (`us-west-2%3Astid-…`) and the router decodes it.
 */
export class SigV4Verifier {
  readonly #maxSkewMs: number;
  readonly #regions: ReadonlySet<string> | '*';
  readonly #signingKeys = new SigningKeyCache();

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
    const payloadHash = request.body.length === 0 ? EMPTY_PAYLOAD_HASH : sha256Hex(request.body);
    const claimedHash = headerValue(request.headers, 'x-amz-content-sha256');
    if (claimedHash !== undefined && claimedHash !== payloadHash) {
      return denied('PAYLOAD_HASH_MISMATCH', 'X-Amz-Content-Sha256 is not the SHA-256 of the request body.');
    }
    const matches = this.signatureMatches(request, auth, credential.secretAccessKey, {
      amzDate: checked.value,
      payloadHash,
    });
    if (!matches) {
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
    // An expiry that is no number of milliseconds (NaN, from a date-time Date.parse cannot read, or
    // ±Infinity) counts as reached: `now >= NaN` is false, and a key whose end is unreadable must not live
    // for ever.
    const expiresAt = credential.expiresAt;
    if (expiresAt !== undefined && !(Number.isFinite(expiresAt) && this.options.clock.now() < expiresAt)) {
      const expiredAt = new Date(expiresAt);
      return denied('EXPIRED_TOKEN', 'The security token included in the request is expired.', {
        ...context,
        // Named only when it is an instant a Date holds (toISOString throws on any other).
        ...(Number.isNaN(expiredAt.getTime()) ? {} : { expiredAt: expiredAt.toISOString() }),
      });
    }
    return ok(undefined);
  }

  /**
   * Date, scope and signed-header rules, checked before the secret is looked up. Returns X-Amz-Date, which
   * is then known to be a real instant written `YYYYMMDDTHHMMSSZ`.
   */
  private checkEnvelope(
    request: ReceivedRequest,
    auth: ParsedAuthorization,
  ): Result<string, AccessDeniedException> {
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
    return ok(amzDate);
  }

  /**
   * Whether the client's signature is the one computed with the secret. A signing key enters the cache only
   * once a signature made with it matched, so requests from whoever lacks the secret never displace one.
   */
  private signatureMatches(
    request: ReceivedRequest,
    auth: ParsedAuthorization,
    secretAccessKey: string,
    signed: { readonly amzDate: string; readonly payloadHash: string },
  ): boolean {
    const canonical = canonicalRequest({
      method: request.method,
      url: request.url,
      headers: request.headers,
      signedHeaders: auth.signedHeaders,
      ...signed,
    });
    if (canonical === undefined) return false;
    const scope: SigningScope = {
      accessKeyId: auth.accessKeyId,
      date: auth.date,
      region: auth.region,
      service: SIGNING_SERVICE,
    };
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      signed.amzDate,
      `${auth.date}/${auth.region}/${SIGNING_SERVICE}/aws4_request`,
      sha256Hex(canonical),
    ].join('\n');
    const cached = this.#signingKeys.get(scope, secretAccessKey);
    const key = cached ?? deriveSigningKey(secretAccessKey, scope);
    const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
    // The parser lets through only 64 hex digits, so both sides are 32 bytes; checked all the same,
    // because timingSafeEqual throws on a length mismatch.
    const claimed = Buffer.from(auth.signature, 'hex');
    const matches = claimed.length === expected.length && timingSafeEqual(expected, claimed);
    if (matches && cached === undefined) this.#signingKeys.set(scope, secretAccessKey, key);
    return matches;
  }
}

/** Compares two secrets in constant time: their SHA-256 digests have the same length whatever theirs. */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

import type { IncomingHttpHeaders } from 'node:http';

/**
 * The canonical request of AWS Signature Version 4 (header form), built from a request as received. It is
 * the one smithy's SignatureV4 builds when it signs (the signer the SDK uses, and the one this server
 * verified with before): test/http/sigv4-native.test.ts compares the two over random requests, so the
 * rules below follow smithy's where the specification leaves room, down to its quirks.
 */
export interface CanonicalInput {
  readonly method: string;
  /** The raw request-target: the path still percent-encoded, and the query string if any. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The header names the client listed in SignedHeaders. */
  readonly signedHeaders: readonly string[];
  /** X-Amz-Date as sent (already checked to be `YYYYMMDDTHHMMSSZ`). */
  readonly amzDate: string;
  /** The SHA-256 of the body, in lower-case hex. */
  readonly payloadHash: string;
}

/** A header's value; own properties only, so a signed-header name like `__proto__` finds nothing. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Headers the signer regenerates rather than signs: smithy drops a client's `authorization` and `date`
 * from the canonical headers, and writes `x-amz-date` from the signing date (the same text, here).
 */
const REGENERATED = new Set(['authorization', 'date', 'x-amz-date']);

/** Percent-encoding as AWS does it: RFC 3986 unreserved characters stay, everything else is encoded. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A path whose segments are all non-empty, none `.` or `..`, and whose characters are all unreserved (RFC
 * 3986), `/` or `%`: the API's own paths, as the SDK sends them. Resolving such a path changes nothing, and
 * encoding it once more only turns each `%` into `%25`.
 */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*)+$/;

/** The path with `.`, `..` and empty segments resolved, then encoded once more (every service but S3). */
function canonicalPath(raw: string): string {
  if (PLAIN_PATH.test(raw)) return raw.replaceAll('%', '%25');
  const path = raw.startsWith('/') ? raw : `/${raw}`;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return escapeUri(`/${segments.join('/')}${trailing}`).replace(/%2F/g, '/');
}

/** The query decoded, then re-encoded and sorted by name and value; undefined when it cannot be decoded. */
function canonicalQuery(query: string): string | undefined {
  if (query === '') return '';
  const byName = new Map<string, string[]>();
  try {
    for (const part of query.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
      const values = byName.get(name);
      if (values === undefined) byName.set(name, [value]);
      else values.push(value);
    }
  } catch {
    return undefined;
  }
  const encoded: [string, string][] = [];
  for (const [name, values] of byName) {
    if (name.toLowerCase() === 'x-amz-signature') continue;
    const key = escapeUri(name);
    encoded.push([
      key,
      values
        .map((value) => `${key}=${escapeUri(value)}`)
        .sort()
        .join('&'),
    ]);
  }
  return encoded
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, pairs]) => pairs)
    .join('&');
}

/** What canonicalValue changes: a line break, a tab, two spaces running, a space at either end. */
const FOLDED = /[\r\n\t]| {2}|^ | $/;

/** A header value with line breaks and runs of blanks folded to one space, and trimmed of one each end. */
function canonicalValue(value: string): string {
  if (!FOLDED.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/**
 * The canonical request, or undefined when the request-target cannot be decoded or encoded (a broken
 * percent-escape in the query, a lone surrogate): no signature can match such a request.
 */
export function canonicalRequest(input: CanonicalInput): string | undefined {
  const q = input.url.indexOf('?');
  const query = canonicalQuery(q < 0 ? '' : input.url.slice(q + 1));
  if (query === undefined) return undefined;
  let path: string;
  try {
    path = canonicalPath(q < 0 ? input.url : input.url.slice(0, q));
  } catch {
    return undefined;
  }
  const names = input.signedHeaders.filter((name) => !REGENERATED.has(name));
  names.push('x-amz-date');
  names.sort();
  const lines = names.map((name) =>
    name === 'x-amz-date'
      ? `x-amz-date:${input.amzDate}`
      : `${name}:${canonicalValue(headerValue(input.headers, name) ?? '')}`,
  );
  return [
    input.method === '' ? 'GET' : input.method,
    path,
    query,
    ...lines,
    '',
    names.join(';'),
    input.payloadHash,
  ].join('\n');
}

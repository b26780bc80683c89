/**
 * Signs hand-made requests the way the SDK does (smithy's SignatureV4, with the pure-JS SHA-256 so the
 * test does not share the server's hashing code), for tests that go below the SDK.
 */
import http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ARTIST } from './harness.js';

export interface RawRequest {
  readonly method: string;
  /** The request-target exactly as sent: path (percent-encoded) and optional query. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface SignOptions {
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly region?: string;
  readonly service?: string;
  readonly date?: Date;
  /** Headers to leave out of the signature (botocore, for one, signs no x-amz-content-sha256). */
  readonly unsignableHeaders?: ReadonlySet<string>;
  /** Whether to add and sign x-amz-content-sha256, as SDK v3 does (default true). */
  readonly applyChecksum?: boolean;
}

/** Decodes a query component; a broken escape is kept as it is (the server will then refuse the signature). */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseQuery(query: string): Record<string, string> {
  const bag: Record<string, string> = {};
  for (const part of query.split('&').filter((p) => p !== '')) {
    const [name = '', value = ''] = part.split('=');
    bag[decode(name)] = decode(value);
  }
  return bag;
}

/** The request with `authorization`, `x-amz-date` (and by default `x-amz-content-sha256`) added. */
export async function sign(request: RawRequest, options: SignOptions = {}): Promise<RawRequest> {
  const signer = new SignatureV4({
    credentials: options.credentials ?? ARTIST,
    region: options.region ?? 'us-west-2',
    service: options.service ?? 'nimble',
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
  });
  const [path = '', query = ''] = request.url.split('?');
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      path,
      query: parseQuery(query),
      headers: { ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    }),
    {
      signingDate: options.date ?? new Date(),
      ...(options.unsignableHeaders === undefined
        ? {}
        : { unsignableHeaders: new Set(options.unsignableHeaders) }),
    },
  );
  return { ...request, headers: signed.headers };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Sends a request over a real socket with node:http, the target and headers exactly as given. */
export function send(baseUrl: string, request: RawRequest, agent?: http.Agent): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method: request.method, path: request.url, headers: request.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** A create request for the demo studio, signed with the artist's key unless told otherwise. */
export function createRequest(port: string, body: unknown, headers: Record<string, string> = {}): RawRequest {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    url: '/2020-08-01/studios/us-west-2%3Astid-demo1234abcd5678/streaming-sessions',
    headers: {
      host: `127.0.0.1:${port}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    },
    body: text,
  };
}

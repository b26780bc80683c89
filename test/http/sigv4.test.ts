/**
 * The authentication rules (docs/http.md "Authentication"), request by request over real sockets: every
 * refusal is an AccessDeniedException whose code says why, and what the SDK and botocore send is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIST, startTestServer, type TestServer } from './harness.js';
import { createRequest, send, sign, type RawRequest, type RawResponse } from './signing.js';

const MINUTE = 60_000;
const body = { launchProfileId: 'LpArtistWorkstation001' };

function expectDenied(response: RawResponse, code: string): void {
  expect(response.status).toBe(403);
  expect(response.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  expect(JSON.parse(response.body)).toMatchObject({ code });
}

describe('SigV4 verification', () => {
  let server: TestServer;
  let port: string;
  const call = (request: RawRequest) => send(server.url, request);
  beforeAll(async () => {
    server = await startTestServer();
    port = new URL(server.url).port;
  });
  afterAll(() => server.close());

  it('accepts what SDK v3 sends: x-amz-content-sha256 signed, the colon of the studio id percent-encoded', async () => {
    const response = await call(await sign(createRequest(port, body)));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ session: { state: 'CREATE_IN_PROGRESS' } });
  });

  it('accepts what botocore sends: no x-amz-content-sha256, only some headers signed', async () => {
    const request = createRequest(port, body, {
      'user-agent': 'aws-cli/2.9.19',
      'x-amz-client-token': 'cli-token-1',
    });
    const signed = await sign(request, {
      applyChecksum: false,
      unsignableHeaders: new Set(['content-length']),
    });
    expect(signed.headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-client-token;x-amz-date,',
    );
    expect((await call(signed)).status).toBe(200);
  });

  it('verifies over the raw path: a signature over an unencoded colon matches only that path', async () => {
    const plain = {
      ...createRequest(port, body),
      url: '/2020-08-01/studios/us-west-2:stid-demo1234abcd5678/streaming-sessions',
    };
    expect((await call(await sign(plain))).status).toBe(200);
    const signedEncoded = await sign(createRequest(port, body));
    expectDenied(await call({ ...signedEncoded, url: plain.url }), 'SIGNATURE_DOES_NOT_MATCH');
  });

  it('signs the query string', async () => {
    const get: RawRequest = {
      method: 'GET',
      url: '/2020-08-01/studios/us-west-2%3Astid-demo1234abcd5678/streaming-sessions/NoSuch?x=1%202&y=%E2%9C%93',
      headers: { host: `127.0.0.1:${port}` },
    };
    const signed = await sign(get);
    expect((await call(signed)).status).toBe(404);
    expectDenied(
      await call({ ...signed, url: signed.url.replace('x=1', 'x=2') }),
      'SIGNATURE_DOES_NOT_MATCH',
    );
  });

  it('refuses an unsigned request', async () => {
    expectDenied(await call(createRequest(port, body)), 'MISSING_AUTHENTICATION_TOKEN');
  });

  it('refuses other authorization schemes and malformed headers', async () => {
    const request = createRequest(port, body);
    expectDenied(
      await call({ ...request, headers: { ...request.headers, authorization: 'Bearer abc' } }),
      'UNSUPPORTED_AUTHORIZATION',
    );
    expectDenied(
      await call({
        ...request,
        headers: { ...request.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      }),
      'INCOMPLETE_SIGNATURE',
    );
    const signed = await sign(request);
    const protoSigned = signed.headers.authorization!.replace('SignedHeaders=', 'SignedHeaders=__proto__;');
    expectDenied(
      await call({ ...signed, headers: { ...signed.headers, authorization: protoSigned } }),
      'INCOMPLETE_SIGNATURE',
    );
    const noDate = { ...signed.headers };
    delete noDate['x-amz-date'];
    expectDenied(await call({ ...signed, headers: noDate }), 'INCOMPLETE_SIGNATURE');
  });

  it('refuses an unknown access key and a wrong secret', async () => {
    const request = createRequest(port, body);
    expectDenied(
      await call(await sign(request, { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } })),
      'UNRECOGNIZED_CLIENT',
    );
    expectDenied(
      await call(await sign(request, { credentials: { ...ARTIST, secretAccessKey: 'wrong' } })),
      'SIGNATURE_DOES_NOT_MATCH',
    );
  });

  it('refuses a scope for another service or an unknown region', async () => {
    const request = createRequest(port, body);
    expectDenied(await call(await sign(request, { service: 's3' })), 'INVALID_CREDENTIAL_SCOPE');
    expectDenied(await call(await sign(request, { region: 'mars-north-1' })), 'INVALID_CREDENTIAL_SCOPE');
    // A region the service ran in passes the signature check; the us-west-2 studio is not in eu-west-1.
    const otherRegion = await call(await sign(request, { region: 'eu-west-1' }));
    expect(otherRegion.status).toBe(404);
    expect(JSON.parse(otherRegion.body)).toMatchObject({ code: 'STUDIO_NOT_FOUND' });
  });

  it('refuses X-Amz-Date more than 15 minutes off, either way', async () => {
    const request = createRequest(port, body);
    const at = (offset: number) => sign(request, { date: new Date(Date.now() + offset) });
    expectDenied(await call(await at(-16 * MINUTE)), 'SIGNATURE_EXPIRED');
    expectDenied(await call(await at(16 * MINUTE)), 'SIGNATURE_EXPIRED');
    expect((await call(await at(-14 * MINUTE))).status).toBe(200);
  });

  it('refuses a body changed after signing, whether or not the payload hash header was sent', async () => {
    // Same length, so Content-Length still holds and only the content differs.
    const other = JSON.stringify({ launchProfileId: 'LpArtistWorkstation002' });
    const withHash = await sign(createRequest(port, body));
    expectDenied(await call({ ...withHash, body: other }), 'PAYLOAD_HASH_MISMATCH');
    const withoutHash = await sign(createRequest(port, body), { applyChecksum: false });
    expectDenied(await call({ ...withoutHash, body: other }), 'SIGNATURE_DOES_NOT_MATCH');
  });

  it('refuses an x-amz-* header that was not signed, such as a client token added afterwards', async () => {
    const signed = await sign(createRequest(port, body));
    const response = await call({
      ...signed,
      headers: { ...signed.headers, 'x-amz-client-token': 'smuggled' },
    });
    expectDenied(response, 'INCOMPLETE_SIGNATURE');
    expect(JSON.parse(response.body)).toMatchObject({ context: { header: 'x-amz-client-token' } });
  });

  it('refuses a session token sent with a long-term key', async () => {
    const request = createRequest(port, body, { 'x-amz-security-token': 'session-token' });
    expectDenied(await call(await sign(request)), 'UNRECOGNIZED_CLIENT');
  });
});

/**
 * The restJson1 wire details below the SDK, over real sockets: request ids on every response, the error
 * shape on every failure, and typed 4xx answers for every kind of malformed request.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { createRequest, send, sign, type RawRequest, type RawResponse } from './signing.js';

const CREATE_PATH = '/2020-08-01/studios/us-west-2%3Astid-demo1234abcd5678/streaming-sessions';

/** The error contract: status, `x-amzn-errortype`, request id, and a `{message, code, context}` JSON body. */
function expectError(
  response: RawResponse,
  status: number,
  type: string,
  code: string,
): Record<string, unknown> {
  expect(response.status).toBe(status);
  expect(response.headers['x-amzn-errortype']).toBe(type);
  expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'context', 'message']);
  expect(body).toMatchObject({
    code,
    message: expect.any(String) as string,
    context: expect.any(Object) as object,
  });
  return body;
}

/** Writes raw bytes to the server and returns whatever comes back before it hangs up. */
function rawExchange(url: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', reject);
  });
}

describe('the wire protocol', () => {
  let server: TestServer;
  let port: string;
  const call = (request: RawRequest) => send(server.url, request);
  const signedCreate = async (body: unknown, headers: Record<string, string> = {}) =>
    call(await sign(createRequest(port, body, headers)));
  beforeAll(async () => {
    server = await startTestServer({ http: { bodyLimit: 64 * 1024 } });
    port = new URL(server.url).port;
  });
  afterAll(() => server.close());

  it('answers a create with 200, JSON, a request id and ISO-8601 whole-second timestamps', async () => {
    const response = await signedCreate({ launchProfileId: 'LpArtistWorkstation001' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const { session } = JSON.parse(response.body) as { session: Record<string, unknown> };
    expect(session.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(session.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('treats an empty X-Amz-Client-Token as absent: no de-duplication', async () => {
    const ids = await Promise.all(
      [1, 2].map(async () => {
        const response = await signedCreate(
          { launchProfileId: 'LpArtistWorkstation001' },
          { 'x-amz-client-token': '' },
        );
        expect(response.status).toBe(200);
        return (JSON.parse(response.body) as { session: { sessionId: string } }).session.sessionId;
      }),
    );
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('answers a path that is no operation with UnknownOperationException, never ResourceNotFound', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', '/2020-08-01/studios'],
      ['DELETE', `${CREATE_PATH}/abc/stop/now`],
      ['POST', `${CREATE_PATH}/abc/restart`],
      ['GET', '/2019-01-01/studios/x/streaming-sessions/y'],
      ['DELETE', '/2019-01-01/studios/x/streaming-sessions/y'],
    ] as const) {
      const response = await call({ method, url, headers: { host: `127.0.0.1:${port}` } });
      const body = expectError(response, 404, 'UnknownOperationException', 'UnknownOperationException');
      expect(body.context).toEqual({ reason: 'UNKNOWN_OPERATION', method, path: url });
    }
  });

  it('answers a method the path does not take with UnknownOperationException 405 and Allow', async () => {
    for (const [method, url, allowed] of [
      ['DELETE', CREATE_PATH, 'POST, GET'],
      ['PUT', `${CREATE_PATH}/abc`, 'GET, DELETE'],
      ['HEAD', `${CREATE_PATH}/abc`, 'GET, DELETE'],
      ['POST', `${CREATE_PATH}/abc`, 'GET, DELETE'],
      // The router reads an empty last segment as an empty session id (Get answers it INVALID_PARAMETER).
      ['POST', `${CREATE_PATH}/`, 'GET, DELETE'],
      ['GET', `${CREATE_PATH}/abc/stop`, 'POST'],
      ['DELETE', `${CREATE_PATH}/abc/start`, 'POST'],
      ['PATCH', `${CREATE_PATH}/abc/start`, 'POST'],
    ] as const) {
      const response = await call({ method, url, headers: { host: `127.0.0.1:${port}` } });
      expect(response.status).toBe(405);
      expect(response.headers['x-amzn-errortype']).toBe('UnknownOperationException');
      expect(response.headers.allow).toBe(allowed);
      if (method === 'HEAD') continue;
      const body = expectError(response, 405, 'UnknownOperationException', 'UnknownOperationException');
      expect(body.context).toEqual({ reason: 'METHOD_NOT_ALLOWED', method, path: url, allowed });
    }
  });

  it('answers malformed bodies with ValidationException, after authentication', async () => {
    expectError(await signedCreate('{"launchProfileId": '), 400, 'ValidationException', 'MALFORMED_JSON');
    expectError(await signedCreate('[1,2,3]'), 400, 'ValidationException', 'MALFORMED_JSON');
    expectError(await signedCreate('null'), 400, 'ValidationException', 'MALFORMED_JSON');
    const deep = `{"tags":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const response = await signedCreate(deep);
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
    const notUtf8 = await sign({
      ...createRequest(port, 'x'),
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      headers: { ...createRequest(port, 'x').headers, 'content-length': '4' },
    });
    expectError(await call(notUtf8), 400, 'ValidationException', 'MALFORMED_JSON');
  });

  it('answers a body that is not application/json with UNSUPPORTED_MEDIA_TYPE', async () => {
    const body = JSON.stringify({ launchProfileId: 'LpArtistWorkstation001' });
    const response = await signedCreate(body, { 'content-type': 'text/plain' });
    expectError(response, 400, 'ValidationException', 'UNSUPPORTED_MEDIA_TYPE');
    const charset = await signedCreate(body, { 'content-type': 'application/json; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('names unknown members, and members that belong in the path or a header', async () => {
    const unknown = expectError(
      await signedCreate({ launchProfileId: 'LpArtistWorkstation001', colour: 'blue' }),
      400,
      'ValidationException',
      'INVALID_PARAMETER',
    );
    expect(unknown.context).toMatchObject({ field: 'colour', rule: 'additionalProperties' });
    for (const member of ['studioId', 'clientToken']) {
      const body = expectError(
        await signedCreate({ launchProfileId: 'LpArtistWorkstation001', [member]: 'x' }),
        400,
        'ValidationException',
        'INVALID_PARAMETER',
      );
      expect(body.context).toMatchObject({ field: member });
    }
  });

  it('refuses a body over the limit before reading it all', async () => {
    const big = JSON.stringify({ launchProfileId: 'x', tags: { a: 'b'.repeat(100 * 1024) } });
    expectError(await call(createRequest(port, big)), 400, 'ValidationException', 'REQUEST_ENTITY_TOO_LARGE');
  });

  it('answers a URL with broken percent-encoding with MALFORMED_URL', async () => {
    const response = await call({
      method: 'GET',
      url: '/2020-08-01/studios/%zz/streaming-sessions/x',
      headers: { host: `127.0.0.1:${port}` },
    });
    expectError(response, 400, 'ValidationException', 'MALFORMED_URL');
  });

  it('tells a throttled caller when to come back (Retry-After, context.retryAfterMs)', async () => {
    const throttled = await startTestServer({ http: { throttle: { ratePerSecond: 0.5, burst: 1 } } });
    try {
      const request = await sign(
        createRequest(new URL(throttled.url).port, { launchProfileId: 'LpRenderNode000000001' }),
      );
      expect((await send(throttled.url, request)).status).toBe(200);
      const response = await send(throttled.url, request);
      const body = expectError(response, 429, 'ThrottlingException', 'RATE_EXCEEDED');
      expect(response.headers['retry-after']).toBe('2');
      expect(Number((body.context as Record<string, string>).retryAfterMs)).toBeGreaterThan(1000);
    } finally {
      await throttled.close();
    }
  });

  it('answers HTTP-level garbage and oversized headers in the same error shape', async () => {
    for (const bytes of [
      'NOT AN HTTP REQUEST\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n',
    ]) {
      const text = await rawExchange(server.url, bytes);
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(text).toMatch(/\r\nx-amzn-errortype: ValidationException\r\n/);
      expect(text).toMatch(/\r\nx-amzn-requestid: [0-9a-f-]{36}\r\n/);
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({
        code: expect.any(String) as string,
      });
    }
  });
});

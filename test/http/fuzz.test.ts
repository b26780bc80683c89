/**
 * Fuzzing the HTTP adapter: over 10,000 random and malformed requests (most through fastify.inject for
 * speed, a thousand over real sockets with node:http, and raw byte noise on bare TCP). Whatever arrives,
 * the answer is never a 5xx, the process never falls over, every response has a request id, and every
 * error has `x-amzn-errortype` naming one of the seven types with its status (or UnknownOperationException,
 * 404 or 405, for a route that is no operation) and a `{message, code, context}` body.
 */
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { ERROR_TYPES, type ErrorType } from 'nimble-streaming-sessions';
import { HTTP_STATUS } from 'nimble-streaming-sessions/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ARTIST, startTestServer, type TestServer } from './harness.js';
import { arbRawBytes, requestArbitrary, type FuzzRequest } from './fuzz-arbitraries.js';
import { send, sign, type RawRequest } from './signing.js';

const BODY_LIMIT = 16 * 1024;
const AUTH_HEADERS = ['authorization', 'x-amz-date', 'x-amz-content-sha256'];

interface Answer {
  readonly method: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/** Checks the contract on one answer and returns what it was: `200`, or `<type> <code>`. */
function checkAnswer(answer: Answer): string {
  expect(answer.status).toBeLessThan(500);
  expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  if (answer.status < 400) {
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { sessions?: unknown };
    if (Array.isArray(body.sessions)) return '200 list';
    expect(body).toHaveProperty('session.sessionId');
    return '200';
  }
  const type = answer.headers['x-amzn-errortype'] as ErrorType | 'UnknownOperationException';
  if (type === 'UnknownOperationException') {
    expect([404, 405]).toContain(answer.status);
  } else {
    expect(ERROR_TYPES).toContain(type);
    expect(HTTP_STATUS[type]).toBe(answer.status);
  }
  if (answer.method === 'HEAD') return type;
  const body = JSON.parse(answer.body) as { message: unknown; code: unknown; context: unknown };
  expect(typeof body.message).toBe('string');
  expect(typeof body.code).toBe('string');
  expect(Object.values(body.context as object).every((v) => typeof v === 'string')).toBe(true);
  return `${type} ${String(body.code)}`;
}

/** The request as it goes out: signed with a real key when asked, with its host and length set. */
async function prepare(request: FuzzRequest, host: string, keyIndex: number): Promise<RawRequest> {
  // A signed request carries only the signer's own authentication headers.
  const kept = Object.entries(request.headers).filter(
    ([name]) => !request.signed || !AUTH_HEADERS.includes(name),
  );
  const headers: Record<string, string> = { ...Object.fromEntries(kept), host };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  const raw: RawRequest = {
    method: request.method,
    url: request.url,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  };
  if (!request.signed) return raw;
  return sign(raw, { credentials: keyIndex % 2 === 0 ? ARTIST : ADMIN });
}

function rawExchange(url: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', reject);
  });
}

describe('HTTP fuzzing', () => {
  let server: TestServer;
  let host: string;
  beforeAll(async () => {
    server = await startTestServer({ http: { bodyLimit: BODY_LIMIT } });
    host = new URL(server.url).host;
  });
  afterAll(() => server.close());

  it('answers 9,000 random requests through fastify.inject with typed errors, never a 5xx', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(BODY_LIMIT), fc.nat(), async (request, key) => {
        const prepared = await prepare(request, host, key);
        const response = await server.app.inject({
          method: prepared.method as 'GET',
          url: prepared.url,
          headers: prepared.headers,
          ...(prepared.body === undefined ? {} : { payload: prepared.body }),
        });
        seen.add(
          checkAnswer({
            method: prepared.method,
            status: response.statusCode,
            headers: response.headers,
            body: response.body,
          }),
        );
      }),
      { numRuns: 9_000 },
    );
    // The requests got past every layer: routing, authentication, decoding, the schema, the domain, storage.
    const reached = [...seen].join('\n');
    for (const outcome of [
      'UnknownOperationException UnknownOperationException',
      'AccessDeniedException',
      'ValidationException MALFORMED_JSON',
      'ValidationException INVALID_PARAMETER',
      'ResourceNotFoundException STREAMING_SESSION_NOT_FOUND',
      'ConflictException LAUNCH_PROFILE_NOT_READY',
      '200',
    ]) {
      expect(reached).toContain(outcome);
    }
  }, 600_000);

  it('answers 1,000 random requests over real sockets the same way', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    try {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(BODY_LIMIT), fc.nat(), async (request, key) => {
          const prepared = await prepare(request, host, key);
          const response = await send(server.url, prepared, agent);
          checkAnswer({ method: prepared.method, ...response });
        }),
        { numRuns: 1_000 },
      );
    } finally {
      agent.destroy();
    }
  }, 600_000);

  it('survives 300 streams of raw noise on bare TCP, answering any in the API error shape', async () => {
    await fc.assert(
      fc.asyncProperty(arbRawBytes, async (bytes) => {
        const text = await rawExchange(server.url, bytes);
        if (text === '') return;
        const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]);
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(500);
        const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
        expect(head).toMatch(/\r\nx-amzn-requestid: /);
        if (status >= 400) expect(head).toMatch(/\r\nx-amzn-errortype: /);
      }),
      { numRuns: 300 },
    );
    // Still serving.
    const response = await send(
      server.url,
      await sign({
        method: 'GET',
        url: '/2020-08-01/studios/us-west-2%3Astid-demo1234abcd5678/streaming-sessions/none',
        headers: { host },
      }),
    );
    expect(response.status).toBe(404);
  }, 600_000);
});

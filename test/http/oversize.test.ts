/**
 * Bodies over the limit, streamed by a client over real loopback sockets: the server reads and discards a
 * bounded amount past the limit, so the client finishes sending and reads the typed error instead of
 * having the connection reset under it while it is still writing.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const CREATE_PATH = '/2020-08-01/studios/us-west-2%3Astid-demo1234abcd5678/streaming-sessions';
const CHUNK = Buffer.alloc(16 * 1024, 0x20);

type Outcome =
  { readonly status: number; readonly type?: string; readonly code?: string } | { readonly error: string };

/** POSTs `size` bytes in 16 KiB writes (Content-Length or chunked) and reports what came back. */
function streamBody(
  url: string,
  size: number,
  agent: http.Agent,
  chunked = false,
  method = 'POST',
  path = CREATE_PATH,
): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const request = http.request(
      {
        hostname,
        port,
        method,
        path,
        agent,
        headers: {
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': String(size) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => {
          resolve({ error: error.code ?? error.message });
        });
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { code?: string }).code;
          } catch {
            code = undefined;
          }
          const type = response.headers['x-amzn-errortype'];
          resolve({
            status: response.statusCode ?? 0,
            ...(typeof type === 'string' ? { type } : {}),
            ...(code === undefined ? {} : { code }),
          });
        });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ error: error.code ?? error.message });
    });
    // A pause after every write, as a client on a real network has: it is still sending when an eager
    // server would already have answered and hung up.
    let sent = 0;
    const writeMore = (): void => {
      if (sent >= size || request.destroyed) {
        request.end();
        return;
      }
      const piece = CHUNK.subarray(0, Math.min(CHUNK.length, size - sent));
      sent += piece.length;
      if (request.write(piece)) setTimeout(writeMore, 0);
      else request.once('drain', () => setTimeout(writeMore, 0));
    };
    writeMore();
  });
}

const TOO_LARGE = { status: 400, type: 'ValidationException', code: 'REQUEST_ENTITY_TOO_LARGE' };

describe('bodies over the limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers 200 one-megabyte bodies over 16 connections with the typed error, never a reset', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () => streamBody(server.url, 1_000_000, agent)),
      );
      const tally = new Map<string, number>();
      for (const outcome of outcomes) {
        const key = JSON.stringify(outcome);
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      expect(Object.fromEntries(tally)).toEqual({ [JSON.stringify(TOO_LARGE)]: 200 });
    } finally {
      agent.destroy();
    }
  });

  it('answers a chunked body (no Content-Length) over the limit the same way', async () => {
    const agent = new http.Agent({ keepAlive: false });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => streamBody(server.url, 1_000_000, agent, true)),
      );
      expect(outcomes).toEqual(Array.from({ length: 8 }, () => TOO_LARGE));
    } finally {
      agent.destroy();
    }
  });

  it('answers a Get sent with a large body with UNEXPECTED_BODY, never a reset', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const get = () => streamBody(server.url, 1_000_000, agent, false, 'GET', `${CREATE_PATH}/abc`);
      const outcomes = await Promise.all(Array.from({ length: 16 }, get));
      const unexpected = { status: 400, type: 'ValidationException', code: 'UNEXPECTED_BODY' };
      expect(outcomes).toEqual(Array.from({ length: 16 }, () => unexpected));
    } finally {
      agent.destroy();
    }
  });

  it('answers a Delete or a List sent with a body with UNEXPECTED_BODY, never a hang', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      const unexpected = { status: 400, type: 'ValidationException', code: 'UNEXPECTED_BODY' };
      // The router reads a DELETE's body itself, unlike a GET's: both must be answered, neither must hang.
      const outcomes = await Promise.all([
        ...[1_000, 200_000].map((size) =>
          streamBody(server.url, size, agent, false, 'DELETE', `${CREATE_PATH}/abc`),
        ),
        ...[1_000, 200_000].map((size) => streamBody(server.url, size, agent, false, 'GET', CREATE_PATH)),
      ]);
      expect(outcomes).toEqual(Array.from({ length: 4 }, () => unexpected));
    } finally {
      agent.destroy();
    }
  });

  it('cuts only far beyond the limit, and keeps serving afterwards', async () => {
    const agent = new http.Agent({ keepAlive: false });
    try {
      // 16 MB is past what the server drains: it may answer and hang up at once, but never crash.
      const outcome = await streamBody(server.url, 16_000_000, agent);
      if ('status' in outcome) expect(outcome).toEqual(TOO_LARGE);
      else expect(['ECONNRESET', 'EPIPE']).toContain(outcome.error);
      expect(await streamBody(server.url, 300_000, agent)).toEqual(TOO_LARGE);
      expect(await streamBody(server.url, 2, agent)).toMatchObject({ status: 403 });
    } finally {
      agent.destroy();
    }
  });
});

/**
 * The compiled response serialisers write exactly what JSON.stringify wrote: every member of every
 * session a legal history can produce, absent members absent, numbers as numbers, in the same order; and
 * error bodies likewise. Nothing the SDKs read may be dropped or retyped by a schema.
 */
import fc from 'fast-check';
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StreamingSession,
  toStreamingSessionView,
  type ExistingSession,
} from 'nimble-streaming-sessions/domain';
import { arbSessionHistory } from 'nimble-streaming-sessions/testing';
import {
  errorBodySchema,
  listResponseSchema,
  sessionResponseSchema,
} from '../../src/adapters/http/response-schemas.js';

const ARN = { partition: 'aws', account: '123456789012', defaultRegion: 'us-west-2' };

/** Any session state a legal history reaches, rendered as the API's record. */
const arbView = arbSessionHistory().map((history) =>
  toStreamingSessionView(
    history.reduce(StreamingSession.evolve, StreamingSession.initialState) as ExistingSession,
    ARN,
  ),
);

const arbContext = fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), {
  maxKeys: 4,
});
const arbErrorBody = fc.record({
  message: fc.string({ unit: 'binary' }),
  code: fc.string(),
  context: arbContext,
});

let app: FastifyInstance;
let next: { status: number; body: unknown } = { status: 200, body: {} };

/** A route with the schema, answering whatever the test puts in `next`. */
function route(url: string, schema: FastifySchema): void {
  app.get(url, { schema }, (_request, reply) => reply.code(next.status).send(next.body));
}

async function served(url: string, status: number, body: unknown): Promise<string> {
  next = { status, body };
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode).toBe(status);
  return response.body;
}

beforeAll(async () => {
  app = Fastify();
  route('/session', sessionResponseSchema);
  route('/list', listResponseSchema);
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('response schemas', () => {
  it('serialise {session} exactly as JSON.stringify does', async () => {
    await fc.assert(
      fc.asyncProperty(arbView, async (view) => {
        const body = { session: view };
        expect(await served('/session', 200, body)).toBe(JSON.stringify(body));
      }),
      { numRuns: 300 },
    );
  });

  it('serialise every optional member when a session has them all', async () => {
    const [view] = fc.sample(arbView, { numRuns: 1, seed: 7 });
    const full = {
      ...view!,
      volumeConfiguration: { size: 500, throughput: 125, iops: 3000 },
      stopAt: '2026-01-02T03:04:05Z',
      terminateAt: '2026-01-03T03:04:05Z',
      startedAt: '2026-01-01T03:04:05Z',
      startedBy: 'artist',
      stoppedAt: '2026-01-01T04:04:05Z',
      stoppedBy: 'nimble.amazonaws.com',
      startedFromBackupId: 'YmFja3VwLW9uZS0wMDAwMQ',
      volumeRetentionMode: 'RETAIN' as const,
      // Strings JSON must escape, a lone surrogate, and an own `__proto__` key, as JSON.parse makes one.
      tags: {
        ...(JSON.parse('{"__proto__":"p"}') as Record<string, string>),
        '\ud800': 'a"b\\c\u0000\n',
        'é🙂': '\u2028',
      },
    };
    expect(await served('/session', 200, { session: full })).toBe(JSON.stringify({ session: full }));
  });

  it('serialise {sessions, nextToken?} exactly as JSON.stringify does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbView, { maxLength: 3 }),
        fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
        async (sessions, nextToken) => {
          const body = { sessions, ...(nextToken === undefined ? {} : { nextToken }) };
          expect(await served('/list', 200, body)).toBe(JSON.stringify(body));
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([400, 402, 403, 404, 409, 429, 500])(
    'serialise a %i error body exactly as JSON.stringify does',
    async (status) => {
      await fc.assert(
        fc.asyncProperty(arbErrorBody, async (body) => {
          expect(await served('/session', status, body)).toBe(JSON.stringify(body));
          expect(await served('/list', status, body)).toBe(JSON.stringify(body));
        }),
        { numRuns: 30 },
      );
    },
  );

  it('name the error body members the SDKs read', () => {
    expect(Object.keys(errorBodySchema.properties)).toEqual(['message', 'code', 'context']);
  });
});

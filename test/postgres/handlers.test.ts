/**
 * The handlers on PostgreSQL storage and catalog: the same service an operator gets by swapping the
 * in-memory adapters for these, with the application tests' catalog and clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExpectedVersion } from '../../src/application/ports/event-store.js';
import { TOKENS, type CreateStreamingSessionInput, type SeedQuotas } from 'nimble-streaming-sessions';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  LP,
  PIPELINE,
  ManualClock,
  STUDIO_ID,
  testSeed,
  testService,
  type TestService,
} from '../application/fixtures.js';
import { errorOf, sessionOf } from '../application/results.js';
import { clearSchema, count, dropSchema, freshSchema, newPool } from './support.js';

const pool = newPool(8);
let schema: string;
const open: TestService[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_handlers');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
  await clearSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

/** The service over PostgreSQL, its catalog loaded from the application tests' seed. */
async function pgService(
  options: {
    quotas?: SeedQuotas;
    clock?: ManualClock;
    failInstanceTypes?: Record<string, 'INSUFFICIENT_CAPACITY'>;
  } = {},
): Promise<TestService> {
  await loadSeed(pool, testSeed(options.quotas), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: postgresStorage({ pool, schema }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.failInstanceTypes === undefined
      ? {}
      : { provisioner: { failInstanceTypes: options.failInstanceTypes } }),
  });
  open.push(service);
  return service;
}

const input = (extra: Partial<CreateStreamingSessionInput> = {}): CreateStreamingSessionInput => ({
  studioId: STUDIO_ID,
  launchProfileId: LP,
  ...extra,
});

describe('the handlers on PostgreSQL', () => {
  it('creates a session and reads it back from the view, as created', async () => {
    const service = await pgService();
    const created = sessionOf(
      await service.sessions.createStreamingSession(input({ tags: { team: 'fx' } }), ARTIST),
    );
    expect(created).toMatchObject({
      state: 'CREATE_IN_PROGRESS',
      tags: { team: 'fx' },
      ownedBy: ARTIST.principalId,
    });
    const read = sessionOf(
      await service.sessions.getStreamingSession(
        { studioId: STUDIO_ID, sessionId: created.sessionId },
        ARTIST,
      ),
    );
    expect(read).toEqual(created);
    expect(await service.eventTypes(created.sessionId)).toEqual(['SessionRequested']);
  });

  it('keeps any string a client sends: NUL characters, lone surrogates, the escape mark itself', async () => {
    const service = await pgService();
    const tags = {
      'nul\u0000key': 'a\u0000b',
      lone: '\uD800',
      mark: '\u{10FFFF}\u{10FFFF}u0000',
      slash: 'C:\\u0000',
    };
    const created = sessionOf(
      await service.sessions.createStreamingSession(input({ tags, clientToken: 'tok\u0000\uDFFF' }), ARTIST),
    );
    expect(created.tags).toEqual(tags);
    const read = sessionOf(
      await service.sessions.getStreamingSession(
        { studioId: STUDIO_ID, sessionId: created.sessionId },
        ARTIST,
      ),
    );
    expect(read.tags).toEqual(tags);
    const again = sessionOf(
      await service.sessions.createStreamingSession(input({ tags, clientToken: 'tok\u0000\uDFFF' }), ARTIST),
    );
    expect(again.sessionId).toBe(created.sessionId);
    expect(
      errorOf(
        await service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId: 'x\u0000y' }, ARTIST),
      ).type,
    ).toBe('ResourceNotFoundException');
  });

  it('answers a repeated client token with the same session, and different parameters with a mismatch', async () => {
    const service = await pgService();
    const first = sessionOf(
      await service.sessions.createStreamingSession(input({ clientToken: 't-1' }), ARTIST),
    );
    const again = sessionOf(
      await service.sessions.createStreamingSession(input({ clientToken: 't-1' }), ARTIST),
    );
    expect(again).toEqual(first);
    const mismatch = errorOf(
      await service.sessions.createStreamingSession(input({ clientToken: 't-1', tags: { a: 'b' } }), ARTIST),
    );
    expect(mismatch).toMatchObject({ type: 'ValidationException', code: 'IDEMPOTENT_PARAMETER_MISMATCH' });
    expect(await service.rows()).toHaveLength(1);
  });

  it('lets a client token be used again once it has expired', async () => {
    const clock = new ManualClock();
    const service = await pgService({ clock });
    const first = sessionOf(
      await service.sessions.createStreamingSession(input({ clientToken: 't-1' }), ARTIST),
    );
    clock.advance(24 * 60 * 60 * 1000 + 1);
    const second = sessionOf(
      await service.sessions.createStreamingSession(input({ clientToken: 't-1' }), ARTIST),
    );
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await service.rows()).toHaveLength(2);
  });

  it('refuses a create beyond the quota, and still replays the create that took the last slot', async () => {
    const service = await pgService({ quotas: { maxSessions: 2 } });
    sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    const last = sessionOf(
      await service.sessions.createStreamingSession(input({ clientToken: 'last' }), ARTIST),
    );
    expect(errorOf(await service.sessions.createStreamingSession(input(), ARTIST_2)).type).toBe(
      'ServiceQuotaExceededException',
    );
    expect(
      sessionOf(await service.sessions.createStreamingSession(input({ clientToken: 'last' }), ARTIST)),
    ).toEqual(last);
  });

  it('keeps the quota across services whose cached ledgers go stale', async () => {
    const one = await pgService({ quotas: { maxSessions: 3 } });
    const two = await pgService({ quotas: { maxSessions: 3 } });
    // Each service caches the ledger it last wrote; the other's commits make that cache stale.
    const results = [];
    for (let i = 0; i < 6; i++) {
      const service = i % 2 === 0 ? one : two;
      results.push(await service.sessions.createStreamingSession(input(), i % 3 === 0 ? ADMIN : ARTIST));
    }
    expect(results.map((r) => (r.isOk() ? 'ok' : r.error.type))).toEqual([
      'ok',
      'ok',
      'ok',
      'ServiceQuotaExceededException',
      'ServiceQuotaExceededException',
      'ServiceQuotaExceededException',
    ]);
    expect(await one.rows()).toHaveLength(3);
  });

  it('lets exactly the quota through when twenty creates race in one process', async () => {
    const service = await pgService({ quotas: { maxSessions: 5 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => service.sessions.createStreamingSession(input(), ARTIST)),
    );
    expect(results.filter((r) => r.isOk())).toHaveLength(5);
    expect(await service.rows()).toHaveLength(5);
  });

  it('provisions sessions to READY, or to CREATE_FAILED, and empties the outbox', async () => {
    const service = await pgService({ failInstanceTypes: { 'g4dn.2xlarge': 'INSUFFICIENT_CAPACITY' } });
    const ready = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    const failed = sessionOf(
      await service.sessions.createStreamingSession(input({ ec2InstanceType: 'g4dn.2xlarge' }), ARTIST),
    );
    expect(await service.sessions.container.get(TOKENS.SessionViews).countInProgress()).toBe(2);
    service.clock.advance(1_000);
    await service.provisionAll();
    const get = async (sessionId: string) =>
      sessionOf(await service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId }, ARTIST));
    expect(await get(ready.sessionId)).toMatchObject({
      state: 'READY',
      statusCode: 'STREAMING_SESSION_READY',
    });
    expect(await get(failed.sessionId)).toMatchObject({
      state: 'CREATE_FAILED',
      statusCode: 'INSUFFICIENT_CAPACITY',
    });
    expect(await service.eventTypes(ready.sessionId)).toEqual([
      'SessionRequested',
      'InstanceAllocated',
      'SessionReady',
    ]);
    // No provisioning job is left; the READY session waits for its termination deadline.
    expect(await count(pool, `select count(*) as n from "${schema}".jobs where kind = 'provision'`)).toBe(0);
    expect(
      await count(pool, `select count(*) as n from "${schema}".jobs where kind = 'auto-terminate'`),
    ).toBe(1);
    expect(await service.sessions.container.get(TOKENS.SessionViews).countInProgress()).toBe(0);
  });

  it('reports the error types of the catalog rules from the tables', async () => {
    const service = await pgService();
    const create = async (extra: Partial<CreateStreamingSessionInput>, caller = ARTIST) =>
      errorOf(await service.sessions.createStreamingSession(input(extra), caller)).type;
    // The detailed errors go to those with standing in the studio: IAM principals and administrators.
    expect(await create({ studioId: 'us-west-2:stid-nope', ownedBy: ARTIST.principalId }, PIPELINE)).toBe(
      'ResourceNotFoundException',
    );
    expect(await create({ launchProfileId: 'LpNope' }, ADMIN)).toBe('ResourceNotFoundException');
    expect(await create({ ec2InstanceType: 'g5.16xlarge' })).toBe('ValidationException');
    // A studio user learns neither: both are refused before anything is looked up (standing first).
    expect(await create({ studioId: 'us-west-2:stid-nope' })).toBe('AccessDeniedException');
    expect(await create({ launchProfileId: 'LpNope' })).toBe('AccessDeniedException');
  });

  it('costs one round trip per create once its caches are warm: the commit', async () => {
    const counted = newPool(4);
    const statements: string[] = [];
    counted.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const config = args[0] as string | { name?: string; text: string };
        statements.push(typeof config === 'string' ? config : (config.name ?? config.text));
        return query(...args);
      };
    });
    await loadSeed(pool, testSeed(), { schema });
    const service = await testService({
      catalog: new PostgresCatalog({ pool: counted, schema }),
      storage: postgresStorage({ pool: counted, schema }),
    });
    open.push(service);
    sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    statements.length = 0;
    for (let i = 0; i < 20; i++) {
      sessionOf(
        await service.sessions.createStreamingSession(input({ clientToken: `one-trip-${i}` }), ARTIST),
      );
    }
    // Wake-up notifications go out beside the creates, never in their path.
    const creates = statements.filter((text) => !text.includes('pg_notify'));
    expect(creates).toEqual(Array.from({ length: 20 }, () => `commit-unit:${schema}`));
    await service.sessions.close();
    await counted.end();
  });

  it('writes the session and the ledger with the versions the handler expects', async () => {
    const service = await pgService();
    const store = service.sessions.container.get(TOKENS.EventStore);
    sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    const ledger = await store.readSnapshot(`QuotaLedger:${STUDIO_ID}`);
    expect(ledger).toMatchObject({ version: 2, snapshot: { total: 2 } });
    const conflict = await store.commit(
      {
        appends: [
          {
            streamId: `QuotaLedger:${STUDIO_ID}`,
            studioId: STUDIO_ID,
            expected: ExpectedVersion.exact(1),
            events: [],
          },
        ],
      },
      Date.now(),
    );
    expect(conflict._unsafeUnwrapErr()).toMatchObject({ type: 'WrongExpectedVersion', actual: 2 });
  });
});

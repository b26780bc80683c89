/**
 * Model-based test of create, replay and provisioning against a plain model. fc.scheduler chooses when
 * every storage call runs, so the concurrent creates of a batch (and a worker) interleave in many orders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InMemoryDatabase,
  type ApiError,
  type CreateStreamingSessionInput,
  type StreamingSessionStateName,
  type StreamingSessionView,
} from 'nimble-streaming-sessions';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { SessionViews } from '../../src/application/ports/session-views.js';
import type { Result } from 'neverthrow';
import {
  ARTIST,
  LP,
  STUDIO_ID,
  testSeed,
  testService,
  wrappedStorage,
  type TestService,
} from './fixtures.js';
import { sessionOf } from './results.js';

const LIMIT = 6;
const TOKENS = ['t1', 't2', 't3', 't4'] as const;
/** 0 and 1 differ only in tags; 2 asks for the instance type the simulated cloud cannot provide. */
type Variant = 0 | 1 | 2;

interface Request {
  readonly token: string | undefined;
  readonly variant: Variant;
}

interface ModelSession {
  readonly terminal: 'READY' | 'CREATE_FAILED';
  state: StreamingSessionStateName;
}

interface Model {
  readonly sessions: Map<string, ModelSession>;
  readonly tokens: Map<string, { readonly variant: Variant; readonly sessionId: string }>;
}

interface Real {
  readonly service: TestService;
  /** Awaits a call into the service while the scheduler releases the storage calls it makes. */
  readonly drive: <T>(work: Promise<T>) => Promise<T>;
}

function inputOf({ token, variant }: Request): CreateStreamingSessionInput {
  return {
    studioId: STUDIO_ID,
    launchProfileId: LP,
    ...(token === undefined ? {} : { clientToken: token }),
    ...(variant === 1 ? { tags: { variant: '1' } } : {}),
    ...(variant === 2 ? { ec2InstanceType: 'g4dn.2xlarge' } : {}),
  };
}

const isMismatch = (e: ApiError) =>
  e.type === 'ValidationException' && e.code === 'IDEMPOTENT_PARAMETER_MISMATCH';
const isQuota = (e: ApiError) => e.type === 'ServiceQuotaExceededException';

async function stateOf(real: Real, sessionId: string): Promise<StreamingSessionStateName> {
  const got = await real.drive(
    real.service.sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId }, ARTIST),
  );
  return sessionOf(got).state;
}

/** Checks every session's real state against the model: equal, or (after a worker ran) moved to its terminal. */
async function syncStates(model: Model, real: Real, workerRan: boolean): Promise<void> {
  for (const [sessionId, session] of model.sessions) {
    const state = await stateOf(real, sessionId);
    const allowed = workerRan ? [session.state, session.terminal] : [session.state];
    expect(allowed).toContain(state);
    session.state = state;
    expect(real.service.provisioner.allocations.get(sessionId) ?? 0).toBeLessThanOrEqual(1);
  }
  expect(await real.service.rows()).toHaveLength(model.sessions.size);
}

type Outcome = { readonly request: Request; readonly result: Result<StreamingSessionView, ApiError> };

/** The rules of reference §7 and §6 over one batch of concurrent creates. */
function checkBatch(model: Model, outcomes: readonly Outcome[]): Map<string, ModelSession> {
  const created = new Map<string, ModelSession>();
  const winners = new Map<string, { variant: Variant; sessionId: string }>();
  for (const { request, result } of outcomes) {
    if (result.isErr()) continue;
    const id = result.value.sessionId;
    if (request.token !== undefined && !model.tokens.has(request.token)) {
      const winner = winners.get(request.token);
      if (winner !== undefined) expect([winner.variant, winner.sessionId]).toEqual([request.variant, id]);
      winners.set(request.token, { variant: request.variant, sessionId: id });
    }
    if (!model.sessions.has(id)) {
      if (request.token === undefined) expect(created.has(id)).toBe(false);
      created.set(id, {
        terminal: request.variant === 2 ? 'CREATE_FAILED' : 'READY',
        state: 'CREATE_IN_PROGRESS',
      });
    }
  }
  for (const { request, result } of outcomes) {
    const known = request.token === undefined ? undefined : model.tokens.get(request.token);
    const winner = request.token === undefined ? undefined : winners.get(request.token);
    const previous = known ?? winner;
    if (previous !== undefined && previous.variant === request.variant) {
      // Every duplicate gets the one session, even when that session took the last slot.
      expect(result.map((s) => s.sessionId).unwrapOr('(error)')).toBe(previous.sessionId);
    } else if (known !== undefined) {
      expect(result.isErr() && isMismatch(result.error)).toBe(true);
    } else if (result.isErr()) {
      expect(isQuota(result.error) || (winner !== undefined && isMismatch(result.error))).toBe(true);
    }
  }
  const total = model.sessions.size + created.size;
  expect(total).toBeLessThanOrEqual(LIMIT);
  if (total < LIMIT) expect(outcomes.filter((o) => o.result.isErr() && isQuota(o.result.error))).toEqual([]);
  for (const [token, winner] of winners) model.tokens.set(token, winner);
  return created;
}

class CreateBatch implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly requests: readonly Request[],
    readonly withWorker: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const creates = this.requests.map((request) =>
      real.service.sessions
        .createStreamingSession(inputOf(request), ARTIST)
        .then((result): Outcome => ({ request, result })),
    );
    const worker = this.withWorker ? real.service.worker.runOnce() : Promise.resolve(0);
    const [outcomes] = await real.drive(Promise.all([Promise.all(creates), worker]));
    for (const [id, session] of checkBatch(model, outcomes)) model.sessions.set(id, session);
    await syncStates(model, real, this.withWorker);
  }
  toString = () => `CreateBatch(${JSON.stringify(this.requests)}, worker: ${String(this.withWorker)})`;
}

class Replay implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly token: string,
    readonly variant: Variant,
  ) {}
  check = (model: Readonly<Model>) => model.tokens.has(this.token);
  async run(model: Model, real: Real): Promise<void> {
    const known = model.tokens.get(this.token)!;
    const result = await real.drive(
      real.service.sessions.createStreamingSession(
        inputOf({ token: this.token, variant: this.variant }),
        ARTIST,
      ),
    );
    if (known.variant === this.variant) {
      const view = sessionOf(result);
      expect([view.sessionId, view.state]).toEqual([
        known.sessionId,
        model.sessions.get(known.sessionId)?.state,
      ]);
    } else {
      expect(result.isErr() && isMismatch(result.error)).toBe(true);
    }
    await syncStates(model, real, false);
  }
  toString = () => `Replay(${this.token}, ${String(this.variant)})`;
}

class ProvisionAll implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.drive(real.service.provisionAll());
    for (const session of model.sessions.values()) session.state = session.terminal;
    await syncStates(model, real, false);
  }
  toString = () => 'ProvisionAll';
}

/** Runs each storage call when the scheduler says so: the interleavings come from here. */
function scheduled(s: fc.Scheduler) {
  const later =
    <A extends unknown[], R>(label: string, fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      s.schedule(Promise.resolve(label), label).then(() => fn(...args));
  return {
    store: (store: EventStore): EventStore => ({
      read: later('read', (id: string) => store.read(id)),
      readSnapshot: later('readSnapshot', (id: string) => store.readSnapshot(id)),
      readAll: (after, limit) => store.readAll(after, limit),
      findClientToken: later(
        'findClientToken',
        (key: Parameters<EventStore['findClientToken']>[0], now: number) => store.findClientToken(key, now),
      ),
      expireClientTokens: (now, limit) => store.expireClientTokens(now, limit),
      commit: later('commit', (unit: Parameters<EventStore['commit']>[0], now: number) =>
        store.commit(unit, now),
      ),
    }),
    views: (views: SessionViews): SessionViews => ({
      get: later('views.get', (studioId: string, sessionId: string) => views.get(studioId, sessionId)),
      list: (studioId, query) => views.list(studioId, query),
      countInProgress: () => views.countInProgress(),
      countByState: () => views.countByState(),
    }),
  };
}

const arbRequest: fc.Arbitrary<Request> = fc.record({
  token: fc.option(fc.constantFrom(...TOKENS), { nil: undefined, freq: 3 }),
  variant: fc.constantFrom<Variant>(0, 1, 2),
});

const arbCommands = fc.commands(
  [
    fc
      .tuple(fc.array(arbRequest, { minLength: 1, maxLength: 6 }), fc.boolean())
      .map(([r, w]) => new CreateBatch(r, w)),
    fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom<Variant>(0, 1, 2)).map(([t, v]) => new Replay(t, v)),
    fc.constant(new ProvisionAll()),
  ],
  { maxCommands: 10 },
);

describe('create, replay and provisioning against a model (fc.commands, fc.scheduler)', () => {
  it('keeps one session per token, every duplicate on it, the quota, and the provisioning outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), arbCommands, async (s, commands) => {
        const wrap = scheduled(s);
        const service = await testService({
          catalog: testSeed({ maxSessions: LIMIT }),
          storage: wrappedStorage(new InMemoryDatabase(), wrap),
          provisioner: { failInstanceTypes: { 'g4dn.2xlarge': 'INSUFFICIENT_CAPACITY' } },
        });
        const real: Real = { service, drive: (work) => s.waitFor(work) };
        const setup = () => ({ model: { sessions: new Map(), tokens: new Map() } satisfies Model, real });
        await fc.asyncModelRun(setup, commands);
      }),
      { numRuns: 200 },
    );
  });
});

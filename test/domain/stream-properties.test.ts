/**
 * Properties of the stream decider over generated inputs: the create against a small model of its rule
 * order, random lives of a stream under a generated clock and a session that changes state, and `evolve`
 * over random events in any order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  STREAMING_SESSION_STATES,
  type Caller,
  type ExistingSession,
  type StreamingSessionStateName,
} from 'nimble-streaming-sessions/domain';
import {
  STREAM_CREATE_FAILURE_STATUS_CODES,
  STREAM_LIMITS,
  StreamingSessionStream,
  isLiveStream,
  replay,
  toStreamingSessionStreamView,
  type CreateStreamingSessionStream,
  type StreamingSessionStreamCommand,
  type StreamingSessionStreamEvent,
  type StreamingSessionStreamState,
} from '../../src/domain/index.js';
import { arbInstant } from '../../src/testing/arbitraries.js';
import { ADMIN, OTHER_STUDIO_ID, OTHER_USER, SESSION_ID, STUDIO_ID, USER } from './fixtures.js';
import { DCV_URL, OTHER_URL, STREAM_ID, createStream, sessionIn } from './stream-fixtures.js';

const numRuns = 500;
const OTHER_SESSION_ID = 'b3RoZXItc2Vzc2lvbi0wMQ';
const PRINCIPALS = [USER, OTHER_USER, ADMIN] as const;
const IN_PROGRESS: readonly StreamingSessionStateName[] = [
  'CREATE_IN_PROGRESS',
  'STOP_IN_PROGRESS',
  'START_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
];

/** Mostly `likely`, sometimes one of the others: enough of both to visit every path. */
function mostly<T>(likely: T, ...others: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constant(likely), weight: 4 },
    { arbitrary: fc.constantFrom(...others), weight: 1 },
  );
}

const arbSessionState = mostly<StreamingSessionStateName>(
  'READY',
  ...STREAMING_SESSION_STATES.filter((s) => s !== 'READY'),
);

/** A session in any state, owned by one of the principals. */
const arbSession: fc.Arbitrary<ExistingSession> = fc
  .tuple(arbSessionState, mostly<string>(USER, OTHER_USER, ADMIN))
  .map(([state, ownedBy]) => {
    const session = sessionIn(state);
    return { ...session, session: { ...session.session, ownedBy } };
  });

const arbExpiration = fc.option(
  fc.oneof(
    { arbitrary: fc.integer({ min: 60, max: 3600 }), weight: 4 },
    { arbitrary: fc.integer({ min: -100, max: 10_000 }), weight: 1 },
    { arbitrary: fc.double({ noDefaultInfinity: false }), weight: 1 },
  ),
  { nil: undefined },
);

const arbCaller: fc.Arbitrary<Caller> = fc.record({
  principalId: mostly<string>(USER, ...PRINCIPALS),
  kind: mostly<Caller['kind']>('STUDIO_USER', 'IAM'),
});

/** A stream create with every fact drawn, valid or not. */
const arbCreate: fc.Arbitrary<CreateStreamingSessionStream> = fc
  .record({
    now: arbInstant(),
    caller: arbCaller,
    studioId: mostly(STUDIO_ID, OTHER_STUDIO_ID),
    sessionId: mostly(SESSION_ID, OTHER_SESSION_ID),
    expirationInSeconds: arbExpiration,
    session: fc.option(arbSession, { nil: undefined, freq: 10 }),
    callerIsStudioAdmin: fc.boolean(),
    callerHasStandingInStudio: mostly(true, false),
    liveStreams: fc.integer({ min: 0, max: 7 }),
    maxLiveStreamsPerSession: mostly(STREAM_LIMITS.defaultMaxLiveStreamsPerSession, 0, 1, 2, 10),
  })
  .map((r) =>
    createStream({
      now: r.now,
      caller: r.caller,
      request: {
        studioId: r.studioId,
        sessionId: r.sessionId,
        ...(r.expirationInSeconds === undefined ? {} : { expirationInSeconds: r.expirationInSeconds }),
      },
      facts: {
        session: r.session,
        callerIsStudioAdmin: r.callerIsStudioAdmin,
        callerHasStandingInStudio: r.callerHasStandingInStudio,
        liveStreams: r.liveStreams,
        maxLiveStreamsPerSession: r.maxLiveStreamsPerSession,
      },
    }),
  );

/** The create's rules as a table, in their order (see create.ts): the code of the first one broken. */
function expectedCreateOutcome(command: CreateStreamingSessionStream): string {
  const { caller, request, facts } = command;
  const administers = caller.kind === 'IAM' || facts.callerIsStudioAdmin;
  if (!administers && !facts.callerHasStandingInStudio) return 'NOT_AUTHORIZED_IN_STUDIO';
  const session = facts.session;
  if (session === undefined || request.sessionId !== SESSION_ID || request.studioId !== STUDIO_ID) {
    return 'STREAMING_SESSION_NOT_FOUND';
  }
  if (!administers && caller.principalId !== session.session.ownedBy) return 'NOT_SESSION_OWNER';
  const e = request.expirationInSeconds;
  if (e !== undefined && !(Number.isInteger(e) && e >= 60 && e <= 3600)) return 'INVALID_EXPIRATION';
  if (session.state !== 'READY') {
    return IN_PROGRESS.includes(session.state) ? 'ANOTHER_OPERATION_IN_PROGRESS' : 'INVALID_SESSION_STATE';
  }
  if (facts.liveStreams >= facts.maxLiveStreamsPerSession) return 'SERVICE_QUOTA_EXCEEDED';
  return 'ACCEPTED';
}

describe('the create, over generated facts', () => {
  it('answers with the first broken rule of the documented order, or accepts', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbCreate, (command) => {
        const decided = StreamingSessionStream.decide(command, StreamingSessionStream.initialState);
        const outcome = decided.match(
          () => 'ACCEPTED',
          (error) => error.code,
        );
        seen.add(outcome);
        expect(outcome).toBe(expectedCreateOutcome(command));
      }),
      { numRuns: 2000 },
    );
    // Every outcome was reached at least once, so the property says something about each.
    expect([...seen].sort()).toEqual(
      [
        'ACCEPTED',
        'ANOTHER_OPERATION_IN_PROGRESS',
        'INVALID_EXPIRATION',
        'INVALID_SESSION_STATE',
        'NOT_AUTHORIZED_IN_STUDIO',
        'NOT_SESSION_OWNER',
        'SERVICE_QUOTA_EXCEEDED',
        'STREAMING_SESSION_NOT_FOUND',
      ].sort(),
    );
  });

  it('is refused unless the session is READY; accepted, it expires 60–3600 s after a whole second', () => {
    fc.assert(
      fc.property(arbCreate, (command) => {
        const decided = StreamingSessionStream.decide(command, StreamingSessionStream.initialState);
        if (decided.isErr()) return;
        expect(command.facts.session?.state).toBe('READY');
        const [event] = decided.value;
        if (event?.type !== 'StreamRequested') throw new Error('A create decides StreamRequested.');
        const { createdAt, expiresAt, ownedBy } = event.data;
        expect(createdAt % 1000).toBe(0);
        expect(createdAt).toBeLessThanOrEqual(command.now);
        expect(command.now - createdAt).toBeLessThan(1000);
        expect(expiresAt - createdAt).toBeGreaterThanOrEqual(60_000);
        expect(expiresAt - createdAt).toBeLessThanOrEqual(3_600_000);
        expect(ownedBy).toBe(command.facts.session?.session.ownedBy);
      }),
      { numRuns },
    );
  });
});

// ------------------------------------------------------------------------ a stream's life

/** What happens next in a stream's world, after the clock moves by `delta` milliseconds. */
type Step = { readonly delta: number } & (
  | { readonly kind: 'connect'; readonly url: string }
  | { readonly kind: 'fail'; readonly statusCode: (typeof STREAM_CREATE_FAILURE_STATUS_CODES)[number] }
  | { readonly kind: 'expire' }
  | { readonly kind: 'session'; readonly to: StreamingSessionStateName }
  | { readonly kind: 'stray-end'; readonly sessionState: StreamingSessionStateName }
);

/** Mostly forward, by up to an hour; sometimes a clock that steps back a few seconds. */
const arbDelta = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 90_000 }), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 3_700_000 }), weight: 1 },
  { arbitrary: fc.integer({ min: -5_000, max: 0 }), weight: 1 },
);

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    delta: arbDelta,
    kind: fc.constant('connect' as const),
    url: fc.constantFrom(DCV_URL, OTHER_URL),
  }),
  fc.record({
    delta: arbDelta,
    kind: fc.constant('fail' as const),
    statusCode: fc.constantFrom(...STREAM_CREATE_FAILURE_STATUS_CODES),
  }),
  fc.record({ delta: arbDelta, kind: fc.constant('expire' as const) }),
  fc.record({
    delta: arbDelta,
    kind: fc.constant('session' as const),
    to: fc.constantFrom(...STREAMING_SESSION_STATES),
  }),
  fc.record({
    delta: arbDelta,
    kind: fc.constant('stray-end' as const),
    sessionState: fc.constantFrom(...STREAMING_SESSION_STATES),
  }),
);

const arbLife = fc.record({
  now: arbInstant(),
  expirationInSeconds: fc.option(fc.integer({ min: 60, max: 3600 }), { nil: undefined }),
  clientToken: fc.option(fc.constantFrom('token-1', 'token-2'), { nil: undefined }),
  steps: fc.array(arbStep, { maxLength: 12 }),
});

/** The whole-second timestamp an event records. */
function timeOf(event: StreamingSessionStreamEvent): number {
  switch (event.type) {
    case 'StreamRequested':
      return event.data.createdAt;
    case 'StreamConnected':
      return event.data.connectedAt;
    case 'StreamCreateFailed':
      return event.data.failedAt;
    case 'StreamDeleted':
      return event.data.deletedAt;
  }
}

/** Which paths the generated lives took, so that the properties are known not to hold vacuously. */
const visited = new Set<string>();

interface World {
  state: StreamingSessionStreamState;
  session: StreamingSessionStateName;
  now: number;
}

/**
 * Decides one command and folds its events, checking what holds of every step: nothing throws, times are
 * whole seconds that never go back, a stream never becomes READY at or after `expiresAt`, and the same
 * command decided again on the state it produced decides nothing.
 */
function apply(world: World, command: StreamingSessionStreamCommand): boolean {
  const before = world.state;
  const decided = StreamingSessionStream.decide(command, before);
  if (decided.isErr()) return false;
  const after = decided.value.reduce(StreamingSessionStream.evolve, before);
  for (const event of decided.value) {
    expect(timeOf(event) % 1000).toBe(0);
    if (before.state !== 'NOT_REQUESTED') expect(timeOf(event)).toBeGreaterThanOrEqual(before.updatedAt);
  }
  if (after.state === 'READY' && before.state !== 'READY') {
    expect(command.now).toBeLessThan(after.stream.expiresAt);
    visited.add('connected');
  }
  if (command.type === 'RecordStreamConnected' && before.state === 'CREATE_IN_PROGRESS') {
    if (after.state === 'CREATE_FAILED') visited.add('connected too late');
  }
  if (after.state === 'DELETED' && before.state === 'READY') visited.add(`deleted: ${command.type}`);
  if (StreamingSessionStream.isTerminal(before)) expect(after).toBe(before);
  const repeated = StreamingSessionStream.decide(command, after);
  if (command.type !== 'CreateStreamingSessionStream' || command.clientToken !== undefined) {
    expect(repeated.isOk() && repeated.value.length === 0).toBe(true);
  }
  world.state = after;
  return true;
}

/** The step's command, as the application would send it, with the world's session relayed. */
function run(world: World, step: Step): void {
  world.now += step.delta;
  const now = world.now;
  const wasLive = isLiveStream(world.state);
  const expiresAt = world.state.state === 'NOT_REQUESTED' ? Infinity : world.state.stream.expiresAt;
  switch (step.kind) {
    case 'connect':
      apply(world, { type: 'RecordStreamConnected', url: step.url, now });
      return;
    case 'fail':
      apply(world, { type: 'FailStreamCreate', statusCode: step.statusCode, statusMessage: 'failed', now });
      return;
    case 'expire': {
      const accepted = apply(world, { type: 'EndStream', reason: 'EXPIRED', now });
      // Refused exactly when a live stream has not reached expiresAt; accepted, it is live no more.
      expect(accepted).toBe(!wasLive || now >= expiresAt);
      expect(isLiveStream(world.state)).toBe(wasLive && !accepted);
      return;
    }
    case 'session': {
      const left = world.session === 'READY' && step.to !== 'READY';
      world.session = step.to;
      if (left) {
        // The application relays the session leaving READY to each of its streams.
        expect(
          apply(world, { type: 'EndStream', reason: 'SESSION_LEFT_READY', sessionState: step.to, now }),
        ).toBe(true);
        expect(isLiveStream(world.state)).toBe(false);
      }
      return;
    }
    case 'stray-end': {
      // An end for the session with whatever facts: refused while they say READY and the stream is live.
      const command = {
        type: 'EndStream',
        reason: 'SESSION_LEFT_READY',
        sessionState: step.sessionState,
        now,
      } as const;
      const accepted = apply(world, command);
      expect(accepted).toBe(!wasLive || step.sessionState !== 'READY');
      return;
    }
  }
}

describe("a stream's life, over generated clocks and sessions", () => {
  it('is never READY while its session is not, nor READY from a connection at or after expiresAt', () => {
    fc.assert(
      fc.property(arbLife, (life) => {
        const create = createStream({
          now: life.now,
          request:
            life.expirationInSeconds === undefined ? {} : { expirationInSeconds: life.expirationInSeconds },
          ...(life.clientToken === undefined ? {} : { clientToken: life.clientToken, fingerprint: 'f' }),
        });
        const world: World = { state: StreamingSessionStream.initialState, session: 'READY', now: life.now };
        expect(apply(world, create)).toBe(true);
        for (const step of life.steps) {
          run(world, step);
          const { state } = world;
          if (state.state === 'READY') {
            expect(world.session).toBe('READY');
            expect(state.connection.connectedAt).toBeLessThan(state.stream.expiresAt);
          }
          if (state.state !== 'NOT_REQUESTED') {
            const view = toStreamingSessionStreamView(state);
            expect(view.state).toBe(state.state);
            expect(view.url !== undefined).toBe(state.state === 'READY');
            expect(view.streamId).toBe(STREAM_ID);
          }
        }
        // Whatever happened, the expiry at expiresAt (or now, if later) leaves nothing live.
        if (world.state.state !== 'NOT_REQUESTED') {
          const at = Math.max(world.now, world.state.stream.expiresAt);
          apply(world, { type: 'EndStream', reason: 'EXPIRED', now: at });
          expect(isLiveStream(world.state)).toBe(false);
        }
      }),
      { numRuns },
    );
    expect([...visited].sort()).toEqual(['connected', 'connected too late', 'deleted: EndStream']);
  });
});

// ------------------------------------------------------------------------ evolve

const arbStreamEvent: fc.Arbitrary<StreamingSessionStreamEvent> = fc.oneof(
  fc
    .record({
      createdAt: arbInstant(),
      expiresAfter: fc.integer({ min: -10_000, max: 3_600_000 }),
      createdBy: fc.constantFrom(...PRINCIPALS),
      ownedBy: fc.constantFrom(...PRINCIPALS),
    })
    .map((r): StreamingSessionStreamEvent => ({
      type: 'StreamRequested',
      version: 1,
      data: {
        streamId: STREAM_ID,
        sessionId: SESSION_ID,
        studioId: STUDIO_ID,
        createdAt: r.createdAt,
        createdBy: r.createdBy,
        ownedBy: r.ownedBy,
        expiresAt: r.createdAt + r.expiresAfter,
      },
    })),
  fc
    .record({ url: fc.constantFrom(DCV_URL, OTHER_URL, ''), connectedAt: arbInstant() })
    .map((d): StreamingSessionStreamEvent => ({
      type: 'StreamConnected',
      version: 1,
      data: { streamId: STREAM_ID, sessionId: SESSION_ID, ...d },
    })),
  fc
    .record({
      statusCode: fc.constantFrom(...STREAM_CREATE_FAILURE_STATUS_CODES),
      statusMessage: fc.string({ maxLength: 10 }),
      failedAt: arbInstant(),
    })
    .map((d): StreamingSessionStreamEvent => ({
      type: 'StreamCreateFailed',
      version: 1,
      data: { streamId: STREAM_ID, sessionId: SESSION_ID, ...d },
    })),
  fc
    .record({
      deletedAt: arbInstant(),
      sessionState: fc.option(fc.constantFrom(...STREAMING_SESSION_STATES)),
    })
    .map(({ deletedAt, sessionState }): StreamingSessionStreamEvent => ({
      type: 'StreamDeleted',
      version: 1,
      data:
        sessionState === null
          ? { streamId: STREAM_ID, sessionId: SESSION_ID, deletedAt, reason: 'EXPIRED' }
          : {
              streamId: STREAM_ID,
              sessionId: SESSION_ID,
              deletedAt,
              reason: 'SESSION_LEFT_READY',
              sessionState,
            },
    })),
);

const LEGAL: ReadonlySet<string> = new Set([
  'NOT_REQUESTED->CREATE_IN_PROGRESS',
  'CREATE_IN_PROGRESS->READY',
  'CREATE_IN_PROGRESS->CREATE_FAILED',
  'READY->DELETED',
]);

describe('evolveStream over random events in any order', () => {
  it('never throws, takes only the legal transitions, and terminal states absorb', () => {
    fc.assert(
      fc.property(fc.array(arbStreamEvent, { maxLength: 20 }), (events) => {
        let state = StreamingSessionStream.initialState;
        for (const event of events) {
          const next = StreamingSessionStream.evolve(state, event);
          if (StreamingSessionStream.isTerminal(state)) expect(next).toBe(state);
          if (next !== state) expect(LEGAL.has(`${state.state}->${next.state}`)).toBe(true);
          else expect(next.state).toBe(state.state);
          state = next;
        }
        expect(replay(StreamingSessionStream, events)).toEqual(state);
      }),
      { numRuns: 1000 },
    );
  });

  it('a terminal state answers every command with nothing or an error, and never changes', () => {
    let terminal = 0;
    const arbCommand: fc.Arbitrary<StreamingSessionStreamCommand> = fc.oneof(
      arbCreate,
      fc.record({
        type: fc.constant('RecordStreamConnected' as const),
        url: fc.constantFrom(DCV_URL, OTHER_URL),
        now: arbInstant(),
      }),
      fc.record({
        type: fc.constant('FailStreamCreate' as const),
        statusCode: fc.constantFrom(...STREAM_CREATE_FAILURE_STATUS_CODES),
        statusMessage: fc.string({ maxLength: 10 }),
        now: arbInstant(),
      }),
      fc.record({
        type: fc.constant('EndStream' as const),
        reason: fc.constant('EXPIRED' as const),
        now: arbInstant(),
      }),
      fc.record({
        type: fc.constant('EndStream' as const),
        reason: fc.constant('SESSION_LEFT_READY' as const),
        sessionState: fc.constantFrom(...STREAMING_SESSION_STATES),
        now: arbInstant(),
      }),
    );
    fc.assert(
      fc.property(fc.array(arbStreamEvent, { maxLength: 12 }), arbCommand, (events, command) => {
        const state = replay(StreamingSessionStream, events);
        if (!StreamingSessionStream.isTerminal(state)) return;
        terminal += 1;
        const decided = StreamingSessionStream.decide(command, state);
        if (decided.isOk()) expect(decided.value).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    expect(terminal).toBeGreaterThan(100);
  });
});

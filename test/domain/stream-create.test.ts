/**
 * CreateStreamingSessionStream (reference §9.1, §4.2's standing first, §7's client tokens): the accepted
 * create, each rule broken alone, every pair of broken rules (the earlier one answers), and a create on a
 * stream that exists.
 */
import { describe, expect, it } from 'vitest';
import type { Caller, DomainError, ExistingSession } from 'nimble-streaming-sessions/domain';
import { DeciderSpecification } from 'nimble-streaming-sessions/testing';
import {
  LIVE_STREAMS_QUOTA_NAME,
  STREAM_LIMITS,
  StreamingSessionStream,
  checkStreamRead,
  resolveExpirationInSeconds,
  type ExistingStream,
} from '../../src/domain/index.js';
import {
  ADMIN,
  IAM_ROLE,
  OTHER_STUDIO_ID,
  OTHER_USER,
  SESSION_ID,
  STUDIO_ID,
  USER,
  iamCaller,
  studioAdmin,
  studioUser,
} from './fixtures.js';
import {
  CLIENT_TOKEN,
  FINGERPRINT,
  S_CREATED,
  S_NOW,
  SESSION_STATE_NAMES,
  STREAM_2_ID,
  STREAM_HISTORIES,
  STREAM_ID,
  createStream,
  restartedSession,
  sessionIn,
  streamIn,
  streamRequested,
  type CreateStreamOverrides,
} from './stream-fixtures.js';

const given = DeciderSpecification.for(StreamingSessionStream);
const OPERATION = 'CreateStreamingSessionStream';
const stranger: Caller = { principalId: OTHER_USER, kind: 'STUDIO_USER' };

const noStanding = {
  type: 'AccessDeniedException',
  code: 'NOT_AUTHORIZED_IN_STUDIO',
  message: `The caller may not call ${OPERATION} in the studio ${STUDIO_ID}.`,
  context: { principalId: OTHER_USER, studioId: STUDIO_ID, sessionId: SESSION_ID, operation: OPERATION },
} as const;

const sessionNotFound = (sessionId = SESSION_ID) =>
  ({
    type: 'ResourceNotFoundException',
    code: 'STREAMING_SESSION_NOT_FOUND',
    message: `The streaming session ${sessionId} does not exist.`,
    context: { resourceType: 'streaming session', resourceId: sessionId },
  }) as const;

const notOwner = {
  type: 'AccessDeniedException',
  code: 'NOT_SESSION_OWNER',
  message: `Only the session's owner or a studio administrator may call ${OPERATION} on it.`,
  context: { principalId: OTHER_USER, sessionId: SESSION_ID, operation: OPERATION },
} as const;

const invalidExpiration = (got: string) =>
  ({
    type: 'ValidationException',
    code: 'INVALID_EXPIRATION',
    message: `expirationInSeconds must be a whole number from 60 to 3600; got ${got}.`,
    context: { field: 'expirationInSeconds', min: '60', max: '3600' },
  }) as const;

const conflictIn = (state: string) =>
  ({
    type: 'ConflictException',
    code: 'ANOTHER_OPERATION_IN_PROGRESS',
    message: `The session ${SESSION_ID} is ${state}: another operation is in progress.`,
    context: { resourceId: SESSION_ID, state, operation: OPERATION },
  }) as const;

const invalidState = (state: string) =>
  ({
    type: 'ValidationException',
    code: 'INVALID_SESSION_STATE',
    message: `${OPERATION} is not possible while the session ${SESSION_ID} is ${state}.`,
    context: { resourceId: SESSION_ID, state, operation: OPERATION },
  }) as const;

const quota = (limit: number, current: number) =>
  ({
    type: 'ServiceQuotaExceededException',
    code: 'SERVICE_QUOTA_EXCEEDED',
    message: `The quota "${LIVE_STREAMS_QUOTA_NAME}" (${String(limit)}) is reached: ${String(current)} in use.`,
    context: { quotaName: LIVE_STREAMS_QUOTA_NAME, limit: String(limit), current: String(current) },
  }) as const;

describe('CreateStreamingSessionStream: accepted', () => {
  it('by the owner: StreamRequested at a whole second, expiring after the default 120 s', () => {
    given([]).when(createStream()).then([streamRequested()]);
    expect(STREAM_LIMITS.defaultExpirationInSeconds).toBe(120);
  });

  it('with an expiration: expiresAt is createdAt plus that many seconds', () => {
    given([])
      .when(createStream({ request: { expirationInSeconds: 900 } }))
      .then([streamRequested({ expiresAt: S_CREATED + 900_000 })]);
  });

  it.each([60, 61, 3599, 3600])('accepts an expiration of %i s (60–3600, bounds included)', (seconds) => {
    given([])
      .when(createStream({ request: { expirationInSeconds: seconds } }))
      .then([streamRequested({ expiresAt: S_CREATED + seconds * 1000 })]);
  });

  it("by a studio administrator: createdBy is the administrator, ownedBy the session's owner", () => {
    given([])
      .when(createStream({ caller: studioAdmin, facts: { callerIsStudioAdmin: true } }))
      .then([streamRequested({ createdBy: ADMIN, ownedBy: USER })]);
  });

  it('by an IAM principal, with no standing fact and no administrator flag', () => {
    given([])
      .when(createStream({ caller: iamCaller, facts: { callerHasStandingInStudio: false } }))
      .then([streamRequested({ createdBy: IAM_ROLE, ownedBy: USER })]);
  });

  it('by an administrator who has no other standing in the studio', () => {
    given([])
      .when(
        createStream({
          caller: studioAdmin,
          facts: { callerIsStudioAdmin: true, callerHasStandingInStudio: false },
        }),
      )
      .then([streamRequested({ createdBy: ADMIN })]);
  });

  it('on a session READY again after a stop and a start', () => {
    given([])
      .when(createStream({ facts: { session: restartedSession() } }))
      .then([streamRequested()]);
  });

  it('carries the client token and the fingerprint into StreamRequested, each only when given', () => {
    given([])
      .when(createStream({ clientToken: CLIENT_TOKEN, fingerprint: FINGERPRINT }))
      .then([streamRequested({ clientToken: CLIENT_TOKEN, fingerprint: FINGERPRINT })]);
    given([])
      .when(createStream({ clientToken: CLIENT_TOKEN }))
      .then([streamRequested({ clientToken: CLIENT_TOKEN })]);
    given([])
      .when(createStream({ fingerprint: FINGERPRINT }))
      .then([streamRequested({ fingerprint: FINGERPRINT })]);
  });

  it('takes the stream id from the command, and the session and studio ids from the session', () => {
    given([])
      .when(createStream({ streamId: STREAM_2_ID }))
      .then([streamRequested({ streamId: STREAM_2_ID })]);
  });

  it('below the live-stream limit, by one', () => {
    given([])
      .when(createStream({ facts: { liveStreams: 4, maxLiveStreamsPerSession: 5 } }))
      .then([streamRequested()]);
    given([])
      .when(createStream({ facts: { liveStreams: 0, maxLiveStreamsPerSession: 1 } }))
      .then([streamRequested()]);
  });

  it('truncates a time already on a whole second to itself', () => {
    given([])
      .when(createStream({ now: S_CREATED }))
      .then([streamRequested()]);
    expect(S_NOW).not.toBe(S_CREATED);
  });
});

describe('CreateStreamingSessionStream: each rule broken alone', () => {
  it('1. no standing in the studio: AccessDeniedException with only the ids the caller sent', () => {
    given([])
      .when(createStream({ caller: stranger, facts: { callerHasStandingInStudio: false } }))
      .thenFails(noStanding);
  });

  it('1. no standing reads the same whether the session exists, is foreign, or is in any state', () => {
    const facts = { callerHasStandingInStudio: false } as const;
    const sessions = [undefined, ...SESSION_STATE_NAMES.map((name) => sessionIn(name))];
    for (const session of sessions) {
      given([])
        .when(createStream({ caller: stranger, facts: { ...facts, session } }))
        .thenFails(noStanding);
    }
    given([])
      .when(createStream({ caller: stranger, facts, request: { expirationInSeconds: 5 } }))
      .thenFails(noStanding);
  });

  it('2. no session: 404 for the streaming session', () => {
    given([])
      .when(createStream({ facts: { session: undefined } }))
      .thenFails(sessionNotFound());
  });

  it('2. a session of another studio, or another session, is not found either', () => {
    given([])
      .when(createStream({ request: { studioId: OTHER_STUDIO_ID } }))
      .thenFails(sessionNotFound());
    given([])
      .when(createStream({ request: { sessionId: 'b3RoZXItc2Vzc2lvbi0wMQ' } }))
      .thenFails(sessionNotFound('b3RoZXItc2Vzc2lvbi0wMQ'));
  });

  it("3. a studio member with standing who is not the session's owner: NOT_SESSION_OWNER", () => {
    given([])
      .when(createStream({ caller: stranger }))
      .thenFails(notOwner);
  });

  it("3. the session's creator is not enough: only its owner, an administrator or IAM", () => {
    const createdByAdmin = sessionIn('READY');
    const session = { ...createdByAdmin, session: { ...createdByAdmin.session, createdBy: OTHER_USER } };
    given([])
      .when(createStream({ caller: stranger, facts: { session } }))
      .thenFails(notOwner);
  });

  it.each([
    [59, '59'],
    [0, '0'],
    [-120, '-120'],
    [3601, '3601'],
    [90.5, '90.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('4. an expiration of %s s: INVALID_EXPIRATION', (seconds, shown) => {
    given([])
      .when(createStream({ request: { expirationInSeconds: seconds } }))
      .thenFails(invalidExpiration(shown));
  });

  it.each(['CREATE_IN_PROGRESS', 'STOP_IN_PROGRESS', 'START_IN_PROGRESS', 'DELETE_IN_PROGRESS'] as const)(
    '5. a session %s: ConflictException, another operation is in progress',
    (state) => {
      given([])
        .when(createStream({ facts: { session: sessionIn(state) } }))
        .thenFails(conflictIn(state));
    },
  );

  it.each(['STOPPED', 'CREATE_FAILED', 'STOP_FAILED', 'START_FAILED', 'DELETE_FAILED', 'DELETED'] as const)(
    '5. a session %s: ValidationException INVALID_SESSION_STATE',
    (state) => {
      given([])
        .when(createStream({ facts: { session: sessionIn(state) } }))
        .thenFails(invalidState(state));
    },
  );

  it('6. the live-stream limit reached: ServiceQuotaExceededException with quotaName, limit, current', () => {
    given([])
      .when(createStream({ facts: { liveStreams: 5 } }))
      .thenFails(quota(5, 5));
    given([])
      .when(createStream({ facts: { liveStreams: 7, maxLiveStreamsPerSession: 3 } }))
      .thenFails(quota(3, 7));
    given([])
      .when(createStream({ facts: { liveStreams: 0, maxLiveStreamsPerSession: 0 } }))
      .thenFails(quota(0, 0));
  });
});

/** Each rule, as the overrides that break it alone and the error code that answers. */
const RULES: readonly { name: string; breaks: CreateStreamOverrides; code: string }[] = [
  {
    name: 'standing',
    breaks: { caller: stranger, facts: { callerHasStandingInStudio: false } },
    code: 'NOT_AUTHORIZED_IN_STUDIO',
  },
  { name: 'session', breaks: { facts: { session: undefined } }, code: 'STREAMING_SESSION_NOT_FOUND' },
  { name: 'owner', breaks: { caller: stranger }, code: 'NOT_SESSION_OWNER' },
  { name: 'expiration', breaks: { request: { expirationInSeconds: 3601 } }, code: 'INVALID_EXPIRATION' },
  { name: 'state', breaks: { facts: { session: sessionIn('STOPPED') } }, code: 'INVALID_SESSION_STATE' },
  { name: 'limit', breaks: { facts: { liveStreams: 5 } }, code: 'SERVICE_QUOTA_EXCEEDED' },
];

function merge(a: CreateStreamOverrides, b: CreateStreamOverrides): CreateStreamOverrides {
  return {
    ...a,
    ...b,
    request: { ...a.request, ...b.request },
    facts: { ...a.facts, ...b.facts },
  };
}

const PAIRS = RULES.flatMap((first, i) => RULES.slice(i + 1).map((second) => [first, second] as const));

describe('CreateStreamingSessionStream: rule order', () => {
  it.each(PAIRS.map(([a, b]) => [a.name, b.name, a, b] as const))(
    '%s before %s',
    (_first, _second, first, second) => {
      // Two rules break `session` (existence, state); the later override would win the merge, so when
      // existence is the first rule its override is applied again.
      const overrides = merge(first.breaks, second.breaks);
      const merged = first.name === 'session' ? merge(overrides, first.breaks) : overrides;
      given([]).when(createStream(merged)).thenFailsMatching({ code: first.code });
    },
  );

  it('covers every pair of the six rules', () => {
    expect(PAIRS).toHaveLength(15);
  });
});

describe('CreateStreamingSessionStream on a stream that exists', () => {
  const existing = ['CREATE_IN_PROGRESS', 'READY', 'CREATE_FAILED', 'DELETED'] as const;
  const withToken = (name: (typeof existing)[number]) => {
    const [first, ...rest] = STREAM_HISTORIES[name];
    expect(first?.type).toBe('StreamRequested');
    return [streamRequested({ clientToken: CLIENT_TOKEN, fingerprint: FINGERPRINT }), ...rest];
  };

  it.each(existing)('%s: the same token and fingerprint are a retry: nothing happens', (name) => {
    given(withToken(name))
      .when(createStream({ clientToken: CLIENT_TOKEN, fingerprint: FINGERPRINT }))
      .thenNothingHappened();
  });

  it.each(existing)('%s: the same token with another fingerprint: IDEMPOTENT_PARAMETER_MISMATCH', (name) => {
    given(withToken(name))
      .when(createStream({ clientToken: CLIENT_TOKEN, fingerprint: 'another-fingerprint' }))
      .thenFails({
        type: 'ValidationException',
        code: 'IDEMPOTENT_PARAMETER_MISMATCH',
        message: 'The client token was already used with different parameters.',
        context: { clientToken: CLIENT_TOKEN },
      });
    given(withToken(name))
      .when(createStream({ clientToken: CLIENT_TOKEN }))
      .thenFailsMatching({ code: 'IDEMPOTENT_PARAMETER_MISMATCH' });
  });

  const alreadyExists = {
    type: 'ConflictException',
    code: 'STREAM_ALREADY_EXISTS',
    message: `The stream ${STREAM_ID} already exists.`,
    context: { resourceId: STREAM_ID },
  } as const;

  it.each(existing)('%s: without a token, or with another one, a conflict on the id', (name) => {
    given(withToken(name)).when(createStream()).thenFails(alreadyExists);
    given(withToken(name))
      .when(createStream({ clientToken: 'another-token', fingerprint: FINGERPRINT }))
      .thenFails(alreadyExists);
  });

  it('a stream created without a token is not replayed by a create that has none either', () => {
    given(STREAM_HISTORIES.READY).when(createStream()).thenFails(alreadyExists);
    given(STREAM_HISTORIES.READY)
      .when(createStream({ clientToken: CLIENT_TOKEN }))
      .thenFails(alreadyExists);
  });

  it('the existing stream answers before any rule: a retry is not refused for a session gone since', () => {
    given(withToken('READY'))
      .when(
        createStream({
          clientToken: CLIENT_TOKEN,
          fingerprint: FINGERPRINT,
          facts: { session: sessionIn('STOPPED'), liveStreams: 5 },
        }),
      )
      .thenNothingHappened();
  });
});

describe('resolveExpirationInSeconds', () => {
  it('is the default when absent, the value when in bounds', () => {
    expect(resolveExpirationInSeconds({})._unsafeUnwrap()).toBe(120);
    expect(resolveExpirationInSeconds({ expirationInSeconds: 60 })._unsafeUnwrap()).toBe(60);
    expect(resolveExpirationInSeconds({ expirationInSeconds: 3600 })._unsafeUnwrap()).toBe(3600);
  });
});

describe('GetStreamingSessionStream: checkStreamRead', () => {
  const request = { studioId: STUDIO_ID, sessionId: SESSION_ID, streamId: STREAM_ID };
  interface ReadFacts {
    readonly session: ExistingSession | undefined;
    readonly callerIsStudioAdmin: boolean;
    readonly callerHasStandingInStudio: boolean;
    readonly stream: ExistingStream | undefined;
  }
  const facts: ReadFacts = {
    session: sessionIn('READY'),
    callerIsStudioAdmin: false,
    callerHasStandingInStudio: true,
    stream: streamIn('READY'),
  };
  const read = (caller: Caller, f: Partial<ReadFacts> = {}, r: Partial<typeof request> = {}) =>
    checkStreamRead(caller, { ...request, ...r }, { ...facts, ...f });
  const streamNotFound = (streamId = STREAM_ID): DomainError => ({
    type: 'ResourceNotFoundException',
    code: 'STREAMING_SESSION_STREAM_NOT_FOUND',
    message: `The streaming session stream ${streamId} does not exist.`,
    context: { resourceType: 'streaming session stream', resourceId: streamId },
  });

  it("the owner, an administrator and IAM read the stream, in any of the session's states", () => {
    expect(read(studioUser)._unsafeUnwrap()).toBe(facts.stream);
    expect(read(studioAdmin, { callerIsStudioAdmin: true })._unsafeUnwrap()).toBe(facts.stream);
    expect(read(iamCaller, { callerHasStandingInStudio: false })._unsafeUnwrap()).toBe(facts.stream);
    for (const name of SESSION_STATE_NAMES) {
      expect(read(studioUser, { session: sessionIn(name) }).isOk()).toBe(true);
    }
  });

  it('standing first, then the session, then the owner, then the stream', () => {
    const get = 'GetStreamingSessionStream';
    expect(
      read(stranger, { callerHasStandingInStudio: false, session: undefined, stream: undefined }),
    ).toEqual(read(stranger, { callerHasStandingInStudio: false }));
    expect(read(stranger, { callerHasStandingInStudio: false })._unsafeUnwrapErr()).toEqual({
      ...noStanding,
      message: `The caller may not call ${get} in the studio ${STUDIO_ID}.`,
      context: { ...noStanding.context, operation: get },
    });
    expect(read(stranger, { session: undefined, stream: undefined })._unsafeUnwrapErr()).toEqual(
      sessionNotFound(),
    );
    expect(read(stranger, { stream: undefined })._unsafeUnwrapErr()).toEqual({
      ...notOwner,
      message: `Only the session's owner or a studio administrator may call ${get} on it.`,
      context: { ...notOwner.context, operation: get },
    });
    expect(read(studioUser, { stream: undefined })._unsafeUnwrapErr()).toEqual(streamNotFound());
  });

  it("a stream of another session, or an id that is not the stream's, is not found", () => {
    const foreign = streamIn('READY');
    const elsewhere = { ...foreign, stream: { ...foreign.stream, sessionId: 'b3RoZXItc2Vzc2lvbi0wMQ' } };
    expect(read(studioUser, { stream: elsewhere })._unsafeUnwrapErr()).toEqual(streamNotFound());
    const otherStudio = { ...foreign, stream: { ...foreign.stream, studioId: OTHER_STUDIO_ID } };
    expect(read(studioUser, { stream: otherStudio })._unsafeUnwrapErr()).toEqual(streamNotFound());
    expect(read(studioUser, {}, { streamId: STREAM_2_ID })._unsafeUnwrapErr()).toEqual(
      streamNotFound(STREAM_2_ID),
    );
  });
});

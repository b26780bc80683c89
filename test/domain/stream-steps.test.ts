/**
 * The steps after a stream's create: the provisioner's connection or failure, and the two ways a stream
 * ends. Every command in every state, the idempotent repeats, and the folding of each event.
 */
import { describe, expect, it } from 'vitest';
import { DeciderSpecification } from 'nimble-streaming-sessions/testing';
import {
  STREAM_CREATE_FAILURE_STATUS_CODES,
  StreamingSessionStream,
  isLiveStream,
  isStreamTerminal,
  replay,
  type StreamingSessionStreamEvent,
} from '../../src/domain/index.js';
import { SESSION_ID } from './fixtures.js';
import {
  DCV_URL,
  OTHER_URL,
  SESSION_STATE_NAMES,
  STREAM_HISTORIES,
  STREAM_ID,
  STREAM_STATE_NAMES,
  S_CONNECTED,
  S_CREATED,
  S_EXPIRES,
  S_LATER,
  connect,
  expire,
  failCreate,
  sessionLeftReady,
  streamConnected,
  streamCreateFailed,
  streamEndedWithSession,
  streamExpired,
  streamRequested,
} from './stream-fixtures.js';

const given = DeciderSpecification.for(StreamingSessionStream);
const { NOT_REQUESTED, CREATE_IN_PROGRESS, READY, CREATE_FAILED, DELETED } = STREAM_HISTORIES;
const ENDED = { CREATE_FAILED, DELETED } as const;

function invalidTransition(command: string, state: string) {
  return {
    type: 'ConflictException',
    code: 'INVALID_STATE_TRANSITION',
    message: `${command} is not possible while the stream is ${state}.`,
    context: { command, state },
  } as const;
}

const notExpired = {
  type: 'ValidationException',
  code: 'STREAM_NOT_EXPIRED',
  message: `The stream ${STREAM_ID} expires at 2024-01-02T03:11:05Z.`,
  context: { resourceId: STREAM_ID, expiresAt: '2024-01-02T03:11:05Z' },
} as const;

const stillReady = {
  type: 'ValidationException',
  code: 'SESSION_STILL_READY',
  message: `The session of the stream ${STREAM_ID} is still READY.`,
  context: { resourceId: STREAM_ID, sessionId: SESSION_ID },
} as const;

const alreadyConnected = {
  type: 'ConflictException',
  code: 'STREAM_ALREADY_CONNECTED',
  message: `The stream ${STREAM_ID} is already connected.`,
  context: { resourceId: STREAM_ID },
} as const;

/** Every session state a session can leave READY for. */
const LEFT_READY = SESSION_STATE_NAMES.filter((name) => name !== 'READY');

describe('RecordStreamConnected', () => {
  it('CREATE_IN_PROGRESS → READY: StreamConnected at a whole second', () => {
    given(CREATE_IN_PROGRESS).when(connect()).then([streamConnected()]);
  });

  it('one millisecond before expiresAt still connects, at the whole second before it', () => {
    given(CREATE_IN_PROGRESS)
      .when(connect(S_EXPIRES - 1))
      .then([streamConnected(S_EXPIRES - 1000)]);
  });

  it('at or after expiresAt: CREATE_FAILED instead, never READY past its expiry', () => {
    const late = (at: number) =>
      streamCreateFailed(
        at,
        'NETWORK_CONNECTION_ERROR',
        `The stream connected at ${new Date(at).toISOString().replace('.000', '')}, after it expired at 2024-01-02T03:11:05Z.`,
      );
    given(CREATE_IN_PROGRESS)
      .when(connect(S_EXPIRES))
      .then([late(S_EXPIRES)]);
    given(CREATE_IN_PROGRESS)
      .when(connect(S_EXPIRES + 61_500))
      .then([late(S_EXPIRES + 61_000)]);
  });

  it('a clock that steps back before the create dates the connection at the create', () => {
    given(CREATE_IN_PROGRESS)
      .when(connect(S_CREATED - 5000))
      .then([streamConnected(S_CREATED)]);
  });

  it('an empty or blank URL is refused, and the stream stays CREATE_IN_PROGRESS', () => {
    for (const url of ['', '   ']) {
      given(CREATE_IN_PROGRESS)
        .when(connect(S_CONNECTED, url))
        .thenFails({
          type: 'ValidationException',
          code: 'INVALID_STREAM_URL',
          message: 'A stream connects with a URL; got an empty one.',
          context: { field: 'url' },
        });
    }
  });

  it('READY, the same URL again (at any time): a retry, nothing happens', () => {
    given(READY).when(connect()).thenNothingHappened();
    given(READY)
      .when(connect(S_EXPIRES + 1000))
      .thenNothingHappened();
  });

  it('READY, another URL: a conflict', () => {
    given(READY).when(connect(S_CONNECTED, OTHER_URL)).thenFails(alreadyConnected);
  });

  it('DELETED: the same URL is a late retry (nothing), another URL a conflict', () => {
    given(DELETED).when(connect()).thenNothingHappened();
    given(DELETED).when(connect(S_CONNECTED, OTHER_URL)).thenFails(alreadyConnected);
  });

  it('CREATE_FAILED: a connection that lost the race with the end changes nothing', () => {
    given(CREATE_FAILED).when(connect()).thenNothingHappened();
    given(CREATE_FAILED).when(connect(S_CONNECTED, OTHER_URL)).thenNothingHappened();
    given([...CREATE_IN_PROGRESS, streamCreateFailed(S_EXPIRES, 'NETWORK_CONNECTION_ERROR', 'late')])
      .when(connect(S_EXPIRES))
      .thenNothingHappened();
  });

  it('NOT_REQUESTED: an out-of-step worker', () => {
    given(NOT_REQUESTED)
      .when(connect())
      .thenFails(invalidTransition('RecordStreamConnected', 'NOT_REQUESTED'));
  });
});

describe('FailStreamCreate', () => {
  it.each(STREAM_CREATE_FAILURE_STATUS_CODES)(
    'CREATE_IN_PROGRESS → CREATE_FAILED with %s, at a whole second',
    (code) => {
      given(CREATE_IN_PROGRESS)
        .when(failCreate(S_CONNECTED + 999, code, 'No route to the instance.'))
        .then([streamCreateFailed(S_CONNECTED, code, 'No route to the instance.')]);
    },
  );

  it('CREATE_FAILED: the failure repeated decides nothing', () => {
    given(CREATE_FAILED).when(failCreate()).thenNothingHappened();
    given(CREATE_FAILED)
      .when(failCreate(S_LATER, 'NETWORK_CONNECTION_ERROR', 'other'))
      .thenNothingHappened();
  });

  it.each(['NOT_REQUESTED', 'READY', 'DELETED'] as const)('%s: an out-of-step worker', (name) => {
    given(STREAM_HISTORIES[name]).when(failCreate()).thenFails(invalidTransition('FailStreamCreate', name));
  });
});

describe('EndStream: expired', () => {
  it('READY at expiresAt → DELETED, at expiresAt', () => {
    given(READY)
      .when(expire(S_EXPIRES))
      .then([streamExpired(S_EXPIRES)]);
  });

  it('READY after expiresAt → DELETED at the whole second it was noticed', () => {
    given(READY)
      .when(expire(S_EXPIRES + 4700))
      .then([streamExpired(S_EXPIRES + 4000)]);
  });

  it.each([
    ['READY', READY],
    ['CREATE_IN_PROGRESS', CREATE_IN_PROGRESS],
  ] as const)('%s before expiresAt: refused, with expiresAt to reschedule on', (_name, history) => {
    given(history)
      .when(expire(S_EXPIRES - 1))
      .thenFails(notExpired);
    given(history).when(expire(S_CREATED)).thenFails(notExpired);
  });

  it('CREATE_IN_PROGRESS at expiresAt → CREATE_FAILED: it never connected', () => {
    given(CREATE_IN_PROGRESS)
      .when(expire(S_EXPIRES + 300))
      .then([
        streamCreateFailed(S_EXPIRES, 'NETWORK_CONNECTION_ERROR', 'The stream expired before it connected.'),
      ]);
  });

  it.each(Object.entries(ENDED))(
    '%s: already ended, nothing happens (even before expiresAt)',
    (_name, history) => {
      given(history).when(expire()).thenNothingHappened();
      given(history).when(expire(S_CREATED)).thenNothingHappened();
    },
  );

  it('NOT_REQUESTED: an out-of-step schedule', () => {
    given(NOT_REQUESTED).when(expire()).thenFails(invalidTransition('EndStream', 'NOT_REQUESTED'));
  });
});

describe('EndStream: the session left READY', () => {
  it.each(LEFT_READY)('READY, the session now %s → DELETED, recording that state', (sessionState) => {
    given(READY)
      .when(sessionLeftReady(sessionState, S_LATER + 999))
      .then([streamEndedWithSession(sessionState, S_LATER)]);
  });

  it('READY, after expiresAt: the session is the reason recorded, when it is the one asked for', () => {
    given(READY)
      .when(sessionLeftReady('DELETE_IN_PROGRESS', S_EXPIRES + 2000))
      .then([streamEndedWithSession('DELETE_IN_PROGRESS', S_EXPIRES + 2000)]);
  });

  it.each(LEFT_READY)(
    'CREATE_IN_PROGRESS, the session now %s → CREATE_FAILED, not DELETED (the waiter fails at once)',
    (sessionState) => {
      given(CREATE_IN_PROGRESS)
        .when(sessionLeftReady(sessionState, S_LATER))
        .then([
          streamCreateFailed(
            S_LATER,
            'NETWORK_CONNECTION_ERROR',
            `The streaming session left READY (${sessionState}) before the stream connected.`,
          ),
        ]);
    },
  );

  it.each([
    ['READY', READY],
    ['CREATE_IN_PROGRESS', CREATE_IN_PROGRESS],
  ] as const)('%s, while the facts say the session is READY: refused', (_name, history) => {
    given(history).when(sessionLeftReady('READY')).thenFails(stillReady);
  });

  it.each(Object.entries(ENDED))('%s: already ended, nothing happens', (_name, history) => {
    for (const sessionState of SESSION_STATE_NAMES) {
      given(history).when(sessionLeftReady(sessionState)).thenNothingHappened();
    }
  });

  it('NOT_REQUESTED: an out-of-step process manager', () => {
    given(NOT_REQUESTED).when(sessionLeftReady()).thenFails(invalidTransition('EndStream', 'NOT_REQUESTED'));
  });

  it('a clock that steps back dates the end at the last change, never before it', () => {
    given(READY)
      .when(sessionLeftReady('STOP_IN_PROGRESS', S_CREATED))
      .then([streamEndedWithSession('STOP_IN_PROGRESS', S_CONNECTED)]);
  });
});

describe('evolveStream', () => {
  const EVENTS: readonly StreamingSessionStreamEvent[] = [
    streamRequested(),
    streamConnected(),
    streamCreateFailed(),
    streamExpired(),
    streamEndedWithSession(),
  ];

  it('folds each history to its state, with the facts of each step', () => {
    const ready = replay(StreamingSessionStream, READY);
    expect(ready).toEqual({
      state: 'READY',
      statusCode: 'STREAM_READY',
      stream: streamRequested().data,
      updatedAt: S_CONNECTED,
      connection: { url: DCV_URL, connectedAt: S_CONNECTED },
    });
    expect(replay(StreamingSessionStream, CREATE_FAILED)).toEqual({
      state: 'CREATE_FAILED',
      statusCode: 'INTERNAL_ERROR',
      statusMessage: 'The DCV server did not answer.',
      stream: streamRequested().data,
      updatedAt: S_CONNECTED,
    });
    expect(replay(StreamingSessionStream, DELETED)).toEqual({
      state: 'DELETED',
      statusCode: 'STREAM_DELETED',
      stream: streamRequested().data,
      updatedAt: S_EXPIRES,
      connection: { url: DCV_URL, connectedAt: S_CONNECTED },
      ending: streamExpired().data,
    });
  });

  it('an event that cannot follow the state leaves it unchanged, the same object', () => {
    const legal: Readonly<Record<string, readonly string[]>> = {
      NOT_REQUESTED: ['StreamRequested'],
      CREATE_IN_PROGRESS: ['StreamConnected', 'StreamCreateFailed'],
      READY: ['StreamDeleted'],
      CREATE_FAILED: [],
      DELETED: [],
    };
    for (const name of STREAM_STATE_NAMES) {
      const state = replay(StreamingSessionStream, STREAM_HISTORIES[name]);
      for (const event of EVENTS) {
        const next = StreamingSessionStream.evolve(state, event);
        if (legal[name]?.includes(event.type) === true) expect(next).not.toBe(state);
        else expect(next).toBe(state);
      }
    }
  });

  it('an event of a type it does not know leaves the state unchanged', () => {
    const state = replay(StreamingSessionStream, READY);
    const unknown = { type: 'StreamRenamed', version: 1, data: {} } as unknown as StreamingSessionStreamEvent;
    expect(StreamingSessionStream.evolve(state, unknown)).toBe(state);
  });
});

describe('terminal and live states', () => {
  it('CREATE_FAILED and DELETED are terminal; CREATE_IN_PROGRESS and READY are live', () => {
    const terminal = STREAM_STATE_NAMES.filter((name) =>
      isStreamTerminal(replay(StreamingSessionStream, STREAM_HISTORIES[name])),
    );
    const live = STREAM_STATE_NAMES.filter((name) =>
      isLiveStream(replay(StreamingSessionStream, STREAM_HISTORIES[name])),
    );
    expect(terminal).toEqual(['CREATE_FAILED', 'DELETED']);
    expect(live).toEqual(['CREATE_IN_PROGRESS', 'READY']);
    expect(StreamingSessionStream.isTerminal).toBe(isStreamTerminal);
    expect(StreamingSessionStream.initialState).toEqual({ state: 'NOT_REQUESTED' });
  });
});

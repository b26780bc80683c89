/**
 * The stream's API record in each state (the model's members exactly, `url` only while READY), and the
 * values checked against the service model itself: states, status codes, the expiration bounds, the id
 * format.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTimestamp } from 'nimble-streaming-sessions/domain';
import {
  LIVE_STREAMS_QUOTA_NAME,
  STREAMING_SESSION_STREAM_EVENT_TYPES,
  STREAMING_SESSION_STREAM_STATES,
  STREAMING_SESSION_STREAM_STATUS_CODES,
  STREAM_CREATE_FAILURE_STATUS_CODES,
  STREAM_ID_PATTERN,
  STREAM_ID_PREFIX,
  STREAM_LIMITS,
  StreamingSessionStream,
  isStreamId,
  replay,
  toStreamingSessionStreamView,
  type ExistingStream,
} from '../../src/domain/index.js';
import { ID_PATTERNS } from '../../src/testing/arbitraries.js';
import { SESSION_ID, USER } from './fixtures.js';
import {
  DCV_URL,
  STREAM_2_ID,
  STREAM_HISTORIES,
  STREAM_ID,
  S_CREATED,
  S_EXPIRES,
  streamIn,
  streamCreateFailed,
  streamRequested,
} from './stream-fixtures.js';

interface Shape {
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly members?: Readonly<Record<string, { readonly shape: string }>>;
}
const model = JSON.parse(
  readFileSync(new URL('../fixtures/botocore/nimble/2020-08-01/service-2.json', import.meta.url), 'utf8'),
) as { readonly shapes: Readonly<Record<string, Shape>> };
const shape = (name: string): Shape => {
  const found = model.shapes[name];
  if (found === undefined) throw new Error(`The model has no shape ${name}.`);
  return found;
};

const record = {
  createdAt: '2024-01-02T03:09:05Z',
  createdBy: USER,
  expiresAt: '2024-01-02T03:11:05Z',
  ownedBy: USER,
  streamId: STREAM_ID,
} as const;

describe('toStreamingSessionStreamView', () => {
  it('CREATE_IN_PROGRESS: STREAM_CREATE_IN_PROGRESS, no url', () => {
    expect(toStreamingSessionStreamView(streamIn('CREATE_IN_PROGRESS'))).toStrictEqual({
      ...record,
      state: 'CREATE_IN_PROGRESS',
      statusCode: 'STREAM_CREATE_IN_PROGRESS',
    });
  });

  it('READY: STREAM_READY and the url', () => {
    expect(toStreamingSessionStreamView(streamIn('READY'))).toStrictEqual({
      ...record,
      state: 'READY',
      statusCode: 'STREAM_READY',
      url: DCV_URL,
    });
  });

  it.each(STREAM_CREATE_FAILURE_STATUS_CODES)('CREATE_FAILED: the failure code %s, no url', (code) => {
    const failed = replay(StreamingSessionStream, [
      streamRequested(),
      streamCreateFailed(undefined, code),
    ]) as ExistingStream;
    expect(toStreamingSessionStreamView(failed)).toStrictEqual({
      ...record,
      state: 'CREATE_FAILED',
      statusCode: code,
    });
  });

  it('DELETED: STREAM_DELETED, and the url no longer shown', () => {
    const view = toStreamingSessionStreamView(streamIn('DELETED'));
    expect(view).toStrictEqual({ ...record, state: 'DELETED', statusCode: 'STREAM_DELETED' });
    expect(JSON.stringify(view)).not.toContain(DCV_URL);
  });

  it("carries the model's members and no others: no sessionId, no ARN, no status message", () => {
    const members = Object.keys(shape('StreamingSessionStream').members ?? {}).sort();
    for (const name of ['CREATE_IN_PROGRESS', 'READY', 'CREATE_FAILED', 'DELETED'] as const) {
      const keys = Object.keys(toStreamingSessionStreamView(streamIn(name)));
      for (const key of keys) expect(members).toContain(key);
      expect(keys).not.toContain('sessionId');
      expect(keys).not.toContain('arn');
      // The DCV URL ends in `#{sessionId}`, as DCV's own do; no member is the session id itself.
      expect(Object.values(toStreamingSessionStreamView(streamIn(name)))).not.toContain(SESSION_ID);
    }
    expect(Object.keys(toStreamingSessionStreamView(streamIn('READY'))).sort()).toEqual(members);
  });

  it('formats timestamps as the session record does, whole seconds in UTC', () => {
    const view = toStreamingSessionStreamView(streamIn('READY'));
    expect(view.createdAt).toBe(formatTimestamp(S_CREATED));
    expect(view.expiresAt).toBe(formatTimestamp(S_EXPIRES));
  });
});

describe('the values, against the service model', () => {
  it('the states and status codes are the model enums, in its order', () => {
    expect(STREAMING_SESSION_STREAM_STATES).toEqual(shape('StreamingSessionStreamState').enum);
    expect(STREAMING_SESSION_STREAM_STATUS_CODES).toEqual(shape('StreamingSessionStreamStatusCode').enum);
    for (const code of STREAM_CREATE_FAILURE_STATUS_CODES) {
      expect(STREAMING_SESSION_STREAM_STATUS_CODES).toContain(code);
    }
  });

  it('the expiration bounds are the model bounds; the default lies within them', () => {
    const bounds = shape('StreamingSessionStreamExpirationInSeconds');
    expect(STREAM_LIMITS.minExpirationInSeconds).toBe(bounds.min);
    expect(STREAM_LIMITS.maxExpirationInSeconds).toBe(bounds.max);
    expect(STREAM_LIMITS.defaultExpirationInSeconds).toBe(120);
    expect(STREAM_LIMITS.defaultMaxLiveStreamsPerSession).toBe(5);
    expect(LIVE_STREAMS_QUOTA_NAME).toBe('Live streams per streaming session');
  });

  it('the request carries expirationInSeconds in that shape, and the stream has no id pattern to follow', () => {
    const request = shape('CreateStreamingSessionStreamRequest').members ?? {};
    expect(request.expirationInSeconds?.shape).toBe('StreamingSessionStreamExpirationInSeconds');
    expect(shape('StreamingSessionStream').members?.streamId?.shape).toBe('String');
  });

  it('names every event type once', () => {
    expect(new Set(STREAMING_SESSION_STREAM_EVENT_TYPES).size).toBe(4);
    const types = Object.values(STREAM_HISTORIES).flatMap((events) => events.map((e) => e.type));
    for (const type of types) expect(STREAMING_SESSION_STREAM_EVENT_TYPES).toContain(type);
  });
});

describe('stream ids', () => {
  it('are the prefix and a session-id body: 22 base64url characters of 16 bytes', () => {
    for (const id of [STREAM_ID, STREAM_2_ID]) {
      expect(isStreamId(id)).toBe(true);
      expect(ID_PATTERNS.resourceId.test(id.slice(STREAM_ID_PREFIX.length))).toBe(true);
    }
    expect(isStreamId(`${STREAM_ID_PREFIX}AAAAAAAAAAAAAAAAAAAAAw`)).toBe(true);
    expect(isStreamId(`${STREAM_ID_PREFIX}-_-_-_-_-_-_-_-_-_-_-g`)).toBe(true);
  });

  it.each([
    ['a session id', SESSION_ID],
    ['no body', STREAM_ID_PREFIX],
    ['a body one short', STREAM_ID.slice(0, -1)],
    ['a body one long', `${STREAM_ID}A`],
    ['a last character 16 bytes cannot end with', `${STREAM_ID.slice(0, -1)}B`],
    ['another prefix', `str-${STREAM_ID.slice(STREAM_ID_PREFIX.length)}`],
    ['an upper-case prefix', STREAM_ID.replace('stream-', 'STREAM-')],
    ['a character outside base64url', `${STREAM_ID.slice(0, -2)}+Q`],
    ['padding', `${STREAM_ID}==`],
    ['surrounding text', ` ${STREAM_ID}`],
    ['a line break after it', `${STREAM_ID}\n`],
  ])('refuse %s', (_what, id) => {
    expect(isStreamId(id)).toBe(false);
    expect(STREAM_ID_PATTERN.test(id)).toBe(false);
  });
});

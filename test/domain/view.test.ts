import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  StreamingSession,
  formatTimestamp,
  regionOfStudio,
  replay,
  sessionArn,
  toStreamingSessionView,
  type ExistingSession,
  type StreamingSessionEvent,
} from 'nimble-streaming-sessions/domain';
import {
  INSTANCE_ID,
  LAUNCH_PROFILE_ID,
  IMAGE_ID,
  MINUTE,
  NOW_S,
  SESSION_ID,
  STUDIO_ID,
  USER,
  allocated,
  createFailed,
  ready,
  requested,
  requestedWithDeadline,
  BACKUP_1,
  ADMIN,
  T3,
  T4,
  T5,
  T7,
  deleteRequested,
  sessionDeleted,
  sessionStarted,
  sessionStopped,
  startRequested,
  stopRequested,
  stoppableRequested,
} from './fixtures.js';
// Names the public entry (src/index.ts) does not list yet come from the domain's barrel.
import { SYSTEM_PRINCIPAL_ID } from '../../src/domain/index.js';

const arn = { partition: 'aws', account: '123456789012', defaultRegion: 'us-east-1' } as const;

function existing(events: readonly StreamingSessionEvent[]): ExistingSession {
  const state = replay(StreamingSession, events);
  if (state.state === 'NOT_REQUESTED') throw new Error('the events do not create a session');
  return state;
}

describe('toStreamingSessionView', () => {
  it('renders every field of a CREATE_IN_PROGRESS session, defaults explicit', () => {
    expect(toStreamingSessionView(existing([requested({ tags: { team: 'fx' } })]), arn)).toStrictEqual({
      arn: `arn:aws:nimble:us-west-2:123456789012:streaming-session/${SESSION_ID}`,
      sessionId: SESSION_ID,
      launchProfileId: LAUNCH_PROFILE_ID,
      ec2InstanceType: 'g4dn.xlarge',
      streamingImageId: IMAGE_ID,
      ownedBy: USER,
      createdBy: USER,
      createdAt: '2024-01-02T03:04:05Z',
      updatedAt: '2024-01-02T03:04:05Z',
      updatedBy: USER,
      state: 'CREATE_IN_PROGRESS',
      statusCode: 'STREAMING_SESSION_CREATE_IN_PROGRESS',
      statusMessage: 'The streaming session is being created.',
      sessionPersistenceMode: 'DEACTIVATED',
      automaticTerminationMode: 'DEACTIVATED',
      backupMode: 'DEACTIVATED',
      maxBackupsToRetain: 0,
      tags: { team: 'fx' },
      terminateAt: '2024-01-02T14:34:05Z',
    });
  });

  it('READY: state, status code and updatedAt move; createdAt does not', () => {
    const view = toStreamingSessionView(existing([requested(), allocated(), ready(NOW_S + 61_000)]), arn);
    expect(view.state).toBe('READY');
    expect(view.statusCode).toBe('STREAMING_SESSION_READY');
    expect(view.statusMessage).toBe('The streaming session is ready.');
    expect(view.createdAt).toBe('2024-01-02T03:04:05Z');
    expect(view.updatedAt).toBe('2024-01-02T03:05:06Z');
    expect(JSON.stringify(view)).not.toContain(INSTANCE_ID);
  });

  it('CREATE_FAILED: the provisioner status code and message', () => {
    const view = toStreamingSessionView(existing([requested(), createFailed()]), arn);
    expect([view.state, view.statusCode, view.statusMessage]).toStrictEqual([
      'CREATE_FAILED',
      'INSUFFICIENT_CAPACITY',
      'No g4dn capacity.',
    ]);
  });

  it('persistence ACTIVATED: volumeConfiguration, the frozen modes and stopAt (no terminateAt)', () => {
    const event = requestedWithDeadline(
      {
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'ACTIVATED',
        maxStoppedSessionLengthInMinutes: 60,
        backupMode: 'AUTOMATIC',
        maxBackupsToRetain: 3,
        volumeConfiguration: { size: 500, throughput: 125, iops: 3000 },
        stopAllowed: true,
      },
      { stopAt: NOW_S + 60 * MINUTE },
    );
    const view = toStreamingSessionView(existing([event]), arn);
    expect(view.volumeConfiguration).toStrictEqual({ size: 500, throughput: 125, iops: 3000 });
    expect(view.sessionPersistenceMode).toBe('ACTIVATED');
    expect(view.automaticTerminationMode).toBe('ACTIVATED');
    expect(view.backupMode).toBe('AUTOMATIC');
    expect(view.maxBackupsToRetain).toBe(3);
    expect(view.stopAt).toBe('2024-01-02T04:04:05Z');
    expect('terminateAt' in view).toBe(false);
  });

  it('without persistence: no volumeConfiguration member at all, and no stopAt', () => {
    const view = toStreamingSessionView(existing([requested()]), arn);
    expect('volumeConfiguration' in view).toBe(false);
    expect('stopAt' in view).toBe(false);
  });
});

describe('ARN (reference §5) and timestamps (§1.4)', () => {
  it('region from the studio id prefix, partition and account from the context', () => {
    expect(sessionArn('eu-north-1:stid-abcdefghijklmnop', 'S', { ...arn, partition: 'aws-cn' })).toBe(
      'arn:aws-cn:nimble:eu-north-1:123456789012:streaming-session/S',
    );
    expect(sessionArn(STUDIO_ID, SESSION_ID, arn)).toBe(
      `arn:aws:nimble:us-west-2:123456789012:streaming-session/${SESSION_ID}`,
    );
  });

  it('a studio id without a region prefix takes the default region', () => {
    expect(regionOfStudio('stid-abcdefghijklmnop', 'ca-central-1')).toBe('ca-central-1');
    expect(regionOfStudio(':stid-abcdefghijklmnop', 'ca-central-1')).toBe('ca-central-1');
    expect(regionOfStudio('ap-southeast-2:stid-abcdefghijklmnop', 'ca-central-1')).toBe('ap-southeast-2');
    expect(sessionArn('stid-x', 'S', arn)).toBe('arn:aws:nimble:us-east-1:123456789012:streaming-session/S');
  });

  it('timestamps are ISO-8601 UTC with whole seconds: YYYY-MM-DDTHH:MM:SSZ', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5, 999))).toBe('2024-01-02T03:04:05Z');
    expect(formatTimestamp(Date.UTC(2030, 11, 31, 23, 59, 59, 1))).toBe('2030-12-31T23:59:59Z');
  });

  it("timestamps are toISOString's text without the milliseconds, for any instant a Date holds", () => {
    const iso = (instant: number) =>
      new Date(Math.floor(instant / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const maxDate = 8.64e15;
    fc.assert(
      fc.property(fc.integer({ min: -maxDate, max: maxDate }), (instant) => {
        expect(formatTimestamp(instant)).toBe(iso(instant));
      }),
      { numRuns: 2000 },
    );
    for (const instant of [-1, 999, Date.UTC(999, 11, 31, 23, 59, 59), Date.UTC(10_000, 0, 1), maxDate]) {
      expect(formatTimestamp(instant)).toBe(iso(instant));
    }
  });
});

describe('toStreamingSessionView through the lifecycle', () => {
  const readyHistory = [stoppableRequested(), allocated(), ready()];

  it('STOP_IN_PROGRESS: stoppedAt/By and updatedAt/By from the Stop, the volume retention mode', () => {
    const view = toStreamingSessionView(
      existing([...readyHistory, stopRequested(T3, ADMIN, { volumeRetentionMode: 'DELETE' })]),
      arn,
    );
    expect(view).toMatchObject({
      state: 'STOP_IN_PROGRESS',
      statusCode: 'STREAMING_SESSION_STOP_IN_PROGRESS',
      statusMessage: 'The streaming session is being stopped.',
      stoppedAt: '2024-01-02T03:14:05Z',
      stoppedBy: ADMIN,
      updatedAt: '2024-01-02T03:14:05Z',
      updatedBy: ADMIN,
      volumeRetentionMode: 'DELETE',
      stopAt: '2024-01-02T14:34:05Z',
    });
    expect('startedAt' in view).toBe(false);
  });

  it('STOPPED: stopAt gone, terminateAt = stoppedAt + maxStoppedSessionLength, updatedBy kept', () => {
    const view = toStreamingSessionView(
      existing([...readyHistory, stopRequested(), sessionStopped(T4, { terminateAt: T3 + 120 * MINUTE })]),
      arn,
    );
    expect(view).toMatchObject({
      state: 'STOPPED',
      statusCode: 'STREAMING_SESSION_STOPPED',
      statusMessage: 'The streaming session is stopped.',
      updatedAt: '2024-01-02T03:15:05Z',
      updatedBy: USER,
      terminateAt: '2024-01-02T05:14:05Z',
    });
    expect('stopAt' in view).toBe(false);
  });

  it('READY after Start: STREAMING_SESSION_STARTED, startedAt/By, startedFromBackupId, the new stopAt', () => {
    const view = toStreamingSessionView(
      existing([
        ...readyHistory,
        stopRequested(),
        sessionStopped(T4, { backupId: BACKUP_1, terminateAt: T3 + 120 * MINUTE }),
        startRequested(T5, USER, { backupId: BACKUP_1, stopAt: T5 + 690 * MINUTE }),
        sessionStarted(),
      ]),
      arn,
    );
    expect(view).toMatchObject({
      state: 'READY',
      statusCode: 'STREAMING_SESSION_STARTED',
      statusMessage: 'The streaming session has been started and is ready.',
      startedAt: '2024-01-02T03:24:05Z',
      startedBy: USER,
      startedFromBackupId: BACKUP_1,
      stoppedAt: '2024-01-02T03:14:05Z',
      stoppedBy: USER,
      stopAt: '2024-01-02T14:54:05Z',
    });
    expect('terminateAt' in view).toBe(false);
    expect(JSON.stringify(view)).not.toContain('backupIds');
  });

  it('a later Stop without a volume retention mode clears the previous one', () => {
    const view = toStreamingSessionView(
      existing([
        ...readyHistory,
        stopRequested(T3, USER, { volumeRetentionMode: 'RETAIN' }),
        sessionStopped(),
        startRequested(),
        sessionStarted(),
        stopRequested(T7, USER),
      ]),
      arn,
    );
    expect('volumeRetentionMode' in view).toBe(false);
  });

  it('automatic termination: DELETE_IN_PROGRESS by the system identity, no deadlines left', () => {
    const view = toStreamingSessionView(
      existing([requested(), allocated(), ready(), deleteRequested(T7, SYSTEM_PRINCIPAL_ID, true)]),
      arn,
    );
    expect(view).toMatchObject({
      state: 'DELETE_IN_PROGRESS',
      statusCode: 'STREAMING_SESSION_DELETE_IN_PROGRESS',
      updatedBy: 'nimble.amazonaws.com',
    });
    expect('terminateAt' in view || 'stopAt' in view).toBe(false);
  });

  it('DELETED: STREAMING_SESSION_DELETED, still rendered in full', () => {
    const view = toStreamingSessionView(
      existing([requested(), allocated(), ready(), deleteRequested(), sessionDeleted()]),
      arn,
    );
    expect(view).toMatchObject({
      state: 'DELETED',
      statusCode: 'STREAMING_SESSION_DELETED',
      statusMessage: 'The streaming session has been deleted.',
      updatedAt: '2024-01-02T03:35:05Z',
      sessionId: SESSION_ID,
    });
  });
});

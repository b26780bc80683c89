/**
 * Stop, Start, Delete and the automatic deadlines through the service, on whatever storage the caller
 * assembles: the in-memory suite and the PostgreSQL suite run the same tests. Time is a virtual clock;
 * `provisionAll` runs every due step and moves the clock to the next one until no job is left waiting.
 */
import { describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL_ID } from 'nimble-streaming-sessions/domain';
import {
  TOKENS,
  type Caller,
  type CreateStreamingSessionInput,
  type InstanceProvisioner,
  type SeedQuotas,
  type StreamingSessionView,
} from 'nimble-streaming-sessions';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  LP,
  LP_STOPPABLE,
  PIPELINE,
  STUDIO_ID,
  type TestService,
} from './fixtures.js';
import { errorOf, sessionOf } from './results.js';

const MINUTE = 60_000;

/** Builds a service (with a fresh clock) over the storage under test, with these quotas. */
export type ServiceFactory = (options?: {
  readonly quotas?: SeedQuotas;
  readonly wrapProvisioner?: (provisioner: InstanceProvisioner) => InstanceProvisioner;
}) => Promise<TestService>;

export function lifecycleSuite(name: string, service: ServiceFactory): void {
  const stoppable: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP_STOPPABLE };
  const terminating: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };
  const at = (s: TestService, sessionId: string) => ({ studioId: STUDIO_ID, sessionId });

  async function ready(s: TestService, input = stoppable, caller: Caller = ARTIST): Promise<string> {
    const id = sessionOf(await s.sessions.createStreamingSession(input, caller)).sessionId;
    await s.worker.runDue();
    expect((await get(s, id)).state).toBe('READY');
    return id;
  }
  async function get(
    s: TestService,
    sessionId: string,
    caller: Caller = ARTIST,
  ): Promise<StreamingSessionView> {
    return sessionOf(await s.sessions.getStreamingSession(at(s, sessionId), caller));
  }
  async function held(s: TestService): Promise<number> {
    const snapshot = await s.sessions.container
      .get(TOKENS.EventStore)
      .readSnapshot(`QuotaLedger:${STUDIO_ID}`);
    return (snapshot?.snapshot as { total?: number } | undefined)?.total ?? 0;
  }

  describe(`the session lifecycle (${name})`, () => {
    it('stops, starts again and deletes a session, each through its job, recording who and when', async () => {
      const s = await service();
      const id = await ready(s);
      s.clock.advance(MINUTE);
      const stopping = sessionOf(
        await s.sessions.stopStreamingSession({ ...at(s, id), volumeRetentionMode: 'RETAIN' }, ARTIST),
      );
      expect(stopping).toMatchObject({
        state: 'STOP_IN_PROGRESS',
        statusCode: 'STREAMING_SESSION_STOP_IN_PROGRESS',
        stoppedBy: ARTIST.principalId,
        volumeRetentionMode: 'RETAIN',
      });
      await s.worker.runDue();
      const stopped = await get(s, id);
      expect(stopped).toMatchObject({ state: 'STOPPED', statusCode: 'STREAMING_SESSION_STOPPED' });
      // Auto-terminating 60 minutes after the stop; no stop deadline while stopped.
      expect(stopped.stopAt).toBeUndefined();
      expect(Date.parse(stopped.terminateAt!) - Date.parse(stopped.stoppedAt!)).toBe(60 * MINUTE);

      s.clock.advance(MINUTE);
      const starting = sessionOf(await s.sessions.startStreamingSession(at(s, id), ADMIN));
      expect(starting).toMatchObject({ state: 'START_IN_PROGRESS', startedBy: ADMIN.principalId });
      await s.worker.runDue();
      const started = await get(s, id);
      expect(started).toMatchObject({ state: 'READY', statusCode: 'STREAMING_SESSION_STARTED' });
      expect(Date.parse(started.stopAt!) - Date.parse(started.startedAt!)).toBe(690 * MINUTE);

      const deleting = sessionOf(await s.sessions.deleteStreamingSession(at(s, id), ADMIN));
      expect(deleting).toMatchObject({ state: 'DELETE_IN_PROGRESS', updatedBy: ADMIN.principalId });
      await s.worker.runDue();
      expect(await get(s, id)).toMatchObject({ state: 'DELETED', statusCode: 'STREAMING_SESSION_DELETED' });
      expect(await s.eventTypes(id)).toEqual([
        'SessionRequested',
        'InstanceAllocated',
        'SessionReady',
        'StopRequested',
        'SessionStopped',
        'StartRequested',
        'SessionStarted',
        'DeleteRequested',
        'SessionDeleted',
      ]);
      expect(await s.sessions.container.get(TOKENS.JobQueue).stats(s.clock.now())).toMatchObject({
        due: 0,
        held: 0,
        scheduled: 2, // the purge, once the retention has passed, and the client-token sweep
      });
    });

    it('gives the quota slot back exactly once, at DELETED, so a full studio can create again', async () => {
      const s = await service({ quotas: { maxSessions: 2, maxSessionsPerInstanceFamily: { g5: 0 } } });
      const first = await ready(s);
      await ready(s);
      expect(errorOf(await s.sessions.createStreamingSession(stoppable, ARTIST))).toMatchObject({
        type: 'ServiceQuotaExceededException',
      });
      expect(await held(s)).toBe(2);
      sessionOf(await s.sessions.deleteStreamingSession(at(s, first), ARTIST));
      // Still counted while the deletion is in progress.
      expect(errorOf(await s.sessions.createStreamingSession(stoppable, ARTIST)).type).toBe(
        'ServiceQuotaExceededException',
      );
      await s.worker.runDue();
      expect(await held(s)).toBe(1);
      // Deleting again, and the delete job running again, give nothing more back.
      expect((await s.sessions.deleteStreamingSession(at(s, first), ARTIST))._unsafeUnwrap().state).toBe(
        'DELETED',
      );
      await s.worker.runDue();
      expect(await held(s)).toBe(1);
      await ready(s);
      expect(await held(s)).toBe(2);
    });

    it('answers the wrong-state rules: under way is 200, another transition 409, a wrong stable state 400', async () => {
      const s = await service();
      const id = await ready(s);
      expect(errorOf(await s.sessions.startStreamingSession(at(s, id), ARTIST))).toMatchObject({
        type: 'ValidationException',
      });
      sessionOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST));
      expect(sessionOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST)).state).toBe(
        'STOP_IN_PROGRESS',
      );
      expect(errorOf(await s.sessions.deleteStreamingSession(at(s, id), ARTIST))).toMatchObject({
        type: 'ConflictException',
      });
      await s.worker.runDue();
      expect(errorOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST))).toMatchObject({
        type: 'ValidationException',
      });
      // A session whose profile does not allow stopping.
      const other = await ready(s, terminating);
      expect(errorOf(await s.sessions.stopStreamingSession(at(s, other), ARTIST))).toMatchObject({
        type: 'ValidationException',
        code: 'STOP_NOT_ALLOWED',
      });
      expect(
        errorOf(await s.sessions.stopStreamingSession(at(s, 'AAAAAAAAAAAAAAAAAAAAAA'), ARTIST)),
      ).toMatchObject({
        type: 'ResourceNotFoundException',
      });
    });

    it('lets the owner, the creator, a studio admin and IAM act, and no one else', async () => {
      const s = await service();
      const id = await ready(s);
      expect(errorOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST_2))).toMatchObject({
        type: 'AccessDeniedException',
      });
      expect(sessionOf(await s.sessions.stopStreamingSession(at(s, id), ADMIN)).stoppedBy).toBe(
        ADMIN.principalId,
      );
      await s.worker.runDue();
      expect(sessionOf(await s.sessions.deleteStreamingSession(at(s, id), PIPELINE)).state).toBe(
        'DELETE_IN_PROGRESS',
      );
    });

    it('replays a repeated client token with the current session, and refuses it with other parameters', async () => {
      const s = await service();
      const id = await ready(s);
      const stop = { ...at(s, id), clientToken: 'stop-once', volumeRetentionMode: 'RETAIN' as const };
      expect(sessionOf(await s.sessions.stopStreamingSession(stop, ARTIST)).state).toBe('STOP_IN_PROGRESS');
      await s.worker.runDue();
      // STOPPED now: a fresh Stop would be a ValidationException, the repeat is answered as the first.
      expect(sessionOf(await s.sessions.stopStreamingSession(stop, ARTIST)).state).toBe('STOPPED');
      expect(
        errorOf(await s.sessions.stopStreamingSession({ ...stop, volumeRetentionMode: 'DELETE' }, ARTIST)),
      ).toMatchObject({ type: 'ValidationException', code: 'IDEMPOTENT_PARAMETER_MISMATCH' });
      expect(await s.eventTypes(id)).toEqual([
        'SessionRequested',
        'InstanceAllocated',
        'SessionReady',
        'StopRequested',
        'SessionStopped',
      ]);
    });

    it('takes an automatic backup at each stop, keeps the newest two, and starts from one of them', async () => {
      const s = await service();
      const id = await ready(s);
      for (let i = 0; i < 3; i++) {
        sessionOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST));
        await s.worker.runDue();
        if (i < 2) {
          sessionOf(await s.sessions.startStreamingSession(at(s, id), ARTIST));
          await s.worker.runDue();
        }
      }
      const stopped = s.sessions.container.get(TOKENS.SessionViews);
      const row = await stopped.get(STUDIO_ID, id);
      const backups = row?.session.lifecycle?.backupIds ?? [];
      expect(backups).toHaveLength(2);
      const started = sessionOf(
        await s.sessions.startStreamingSession({ ...at(s, id), backupId: backups[0]! }, ARTIST),
      );
      expect(started.startedFromBackupId).toBe(backups[0]);
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('READY');
    });

    it('stops a running session at exactly stopAt, as the system, and terminates it maxStopped later', async () => {
      const s = await service();
      const id = await ready(s);
      const { stopAt } = await get(s, id);
      s.clock.set(Date.parse(stopAt!) - 1);
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('READY');
      s.clock.set(Date.parse(stopAt!));
      await s.worker.runDue();
      const stopped = await get(s, id);
      expect(stopped).toMatchObject({ state: 'STOPPED', stoppedBy: SYSTEM_PRINCIPAL_ID });
      expect(stopped.stoppedAt).toBe(stopAt);
      s.clock.set(Date.parse(stopped.terminateAt!) - 1);
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('STOPPED');
      s.clock.set(Date.parse(stopped.terminateAt!));
      await s.worker.runDue();
      expect(await get(s, id)).toMatchObject({ state: 'DELETED', updatedBy: SYSTEM_PRINCIPAL_ID });
    });

    it('waits for the deadline itself when an automatic step is claimed early (a clock ahead elsewhere)', async () => {
      const s = await service();
      const id = await ready(s);
      const { stopAt } = await get(s, id);
      // Another process, its clock a minute ahead, scheduled the automatic stop for what it saw as now.
      await s.sessions.container.get(TOKENS.EventStore).commit(
        {
          appends: [],
          schedule: [
            {
              studioId: STUDIO_ID,
              entity: { kind: 'session', id },
              kind: 'auto-stop',
              dueAt: s.clock.now(),
            },
          ],
        },
        s.clock.now(),
      );
      expect(await s.worker.runDue()).toBe(1);
      expect((await get(s, id)).state).toBe('READY');
      // The session's jobs (the client-token sweep is no session's): the stop is due at stopAt again.
      const queue = s.sessions.container.get(TOKENS.JobQueue);
      const claimable = async (now: number) =>
        (await queue.claim('probe', 100, MINUTE, now)).filter((j) => j.entity.id === id).map((j) => j.kind);
      expect(await claimable(Date.parse(stopAt!) - 1)).toEqual([]);
      expect(await claimable(Date.parse(stopAt!))).toEqual(['auto-stop']);
    });

    it('terminates a session that may not stop at exactly 690 minutes', async () => {
      const s = await service();
      const id = await ready(s, terminating);
      const created = await get(s, id);
      expect(Date.parse(created.terminateAt!) - Date.parse(created.createdAt)).toBe(690 * MINUTE);
      s.clock.set(Date.parse(created.createdAt) + 690 * MINUTE - 1);
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('READY');
      s.clock.set(Date.parse(created.createdAt) + 690 * MINUTE);
      await s.worker.runDue();
      expect(await get(s, id)).toMatchObject({ state: 'DELETED', updatedBy: SYSTEM_PRINCIPAL_ID });
      expect(await held(s)).toBe(0);
    });

    it('lets a manual stop supersede the automatic one, and a start set a new deadline', async () => {
      const s = await service();
      const id = await ready(s);
      const first = await get(s, id);
      sessionOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST));
      await s.worker.runDue();
      s.clock.advance(10 * MINUTE);
      sessionOf(await s.sessions.startStreamingSession(at(s, id), ARTIST));
      await s.worker.runDue();
      const restarted = await get(s, id);
      expect(Date.parse(restarted.stopAt!)).toBeGreaterThan(Date.parse(first.stopAt!));
      // The first deadline passes with nothing happening: it was superseded.
      s.clock.set(Date.parse(first.stopAt!));
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('READY');
      s.clock.set(Date.parse(restarted.stopAt!));
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('STOPPED');
    });

    it('keeps a DELETED session readable for the retention, then purges it from the view', async () => {
      const s = await service();
      const id = await ready(s);
      sessionOf(await s.sessions.deleteStreamingSession(at(s, id), ARTIST));
      await s.worker.runDue();
      const deleted = await get(s, id);
      s.clock.set(Date.parse(deleted.updatedAt) + 24 * 60 * MINUTE - 1);
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('DELETED');
      s.clock.advance(1);
      await s.worker.runDue();
      expect(errorOf(await s.sessions.getStreamingSession(at(s, id), ARTIST))).toMatchObject({
        type: 'ResourceNotFoundException',
      });
      // No job is left but the client-token sweep, which is no session's.
      expect(await s.sessions.container.get(TOKENS.JobQueue).stats(s.clock.now())).toEqual({
        due: 0,
        scheduled: 1,
        held: 0,
      });
    });

    it('ends a stop whose instance call keeps failing in STOP_FAILED, and lets it be deleted', async () => {
      const s = await service({
        wrapProvisioner: (inner) => ({
          allocate: (spec) => inner.allocate(spec),
          status: (instanceId) => inner.status(instanceId),
          stop: () => Promise.reject(new Error('the instance does not answer')),
          start: (instanceId, options) => inner.start(instanceId, options),
          release: (instanceId) => inner.release(instanceId),
        }),
      });
      const id = await ready(s);
      sessionOf(await s.sessions.stopStreamingSession(at(s, id), ARTIST));
      const queue = s.sessions.container.get(TOKENS.JobQueue);
      // Each failed attempt is retried after a back-off; follow the clock through them.
      while ((await get(s, id)).state === 'STOP_IN_PROGRESS') {
        await s.worker.runDue();
        s.clock.set((await queue.nextDueAt()) ?? s.clock.now());
      }
      expect(await get(s, id)).toMatchObject({ state: 'STOP_FAILED', statusCode: 'INTERNAL_ERROR' });
      expect(s.logger.records.some((r) => r.level === 'error' && r.context.kind === 'stop')).toBe(true);
      sessionOf(await s.sessions.deleteStreamingSession(at(s, id), ARTIST));
      await s.worker.runDue();
      expect((await get(s, id)).state).toBe('DELETED');
    });
  });
}

import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createStreamingSessions,
  SimulatedProvisioner,
  SystemClock,
  type Caller,
  type StreamingSessions,
  type StreamingSessionView,
} from 'nimble-streaming-sessions';
import { ARTIST, LP, STUDIO_ID, testSeed } from './fixtures.js';
import { sessionOf } from './results.js';

/** Polls GetStreamingSession as a waiter does, until the session leaves CREATE_IN_PROGRESS. */
async function pollUntilSettled(
  sessions: StreamingSessions,
  sessionId: string,
  caller: Caller,
): Promise<StreamingSessionView[]> {
  const seen: StreamingSessionView[] = [];
  for (;;) {
    const view = sessionOf(await sessions.getStreamingSession({ studioId: STUDIO_ID, sessionId }, caller));
    seen.push(view);
    if (view.state !== 'CREATE_IN_PROGRESS') return seen;
    await sleep(10);
  }
}

describe('end to end, in process, with the default wiring', () => {
  it('creates a session, replays its token, and polls it to READY', async () => {
    const clock = new SystemClock();
    const sessions = await createStreamingSessions({
      catalog: testSeed(),
      clock,
      provisioner: new SimulatedProvisioner(clock, { allocateLatencyMs: 20, bootTimeMs: 50 }),
    });
    try {
      const input = { studioId: STUDIO_ID, launchProfileId: LP, clientToken: 'e2e-1' };
      const created = sessionOf(await sessions.createStreamingSession(input, ARTIST));
      expect(created.state).toBe('CREATE_IN_PROGRESS');
      expect(sessionOf(await sessions.createStreamingSession(input, ARTIST)).sessionId).toBe(
        created.sessionId,
      );
      const seen = await pollUntilSettled(sessions, created.sessionId, ARTIST);
      expect(seen.at(-1)).toMatchObject({
        sessionId: created.sessionId,
        state: 'READY',
        statusCode: 'STREAMING_SESSION_READY',
      });
      expect(new Set(seen.map((v) => v.state))).toEqual(new Set(['CREATE_IN_PROGRESS', 'READY']));
    } finally {
      await sessions.close();
    }
  });

  it('ends in CREATE_FAILED with the injected status code', async () => {
    const clock = new SystemClock();
    const sessions = await createStreamingSessions({
      catalog: testSeed(),
      clock,
      provisioner: new SimulatedProvisioner(clock, {
        failBootInstanceTypes: { 'g4dn.2xlarge': 'ACTIVE_DIRECTORY_DOMAIN_JOIN_ERROR' },
      }),
    });
    try {
      const created = sessionOf(
        await sessions.createStreamingSession(
          { studioId: STUDIO_ID, launchProfileId: LP, ec2InstanceType: 'g4dn.2xlarge' },
          ARTIST,
        ),
      );
      const final = (await pollUntilSettled(sessions, created.sessionId, ARTIST)).at(-1);
      expect(final).toMatchObject({
        state: 'CREATE_FAILED',
        statusCode: 'ACTIVE_DIRECTORY_DOMAIN_JOIN_ERROR',
      });
    } finally {
      await sessions.close();
    }
  });

  it('works with every default: in-memory storage, simulated provisioner, system clock', async () => {
    const sessions = await createStreamingSessions({ catalog: testSeed() });
    try {
      const created = sessionOf(
        await sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, ARTIST),
      );
      expect((await pollUntilSettled(sessions, created.sessionId, ARTIST)).at(-1)?.state).toBe('READY');
    } finally {
      await sessions.close();
    }
  });

  it('refuses an invalid seed with an error that names the problem', async () => {
    await expect(
      createStreamingSessions({ catalog: { studios: [{ studioId: 'nope', state: 'READY' }] } }),
    ).rejects.toThrow(/Invalid seed: .*studioId/);
  });
});

/**
 * The whole session lifecycle through the real @aws-sdk/client-nimble and its waiters: Stop, Start and
 * Delete on the wire, the quota slot given back at DELETED, Delete of a deleted session, and the bodies
 * and headers of the three operations reaching their handlers.
 */
import {
  ConflictException,
  CreateStreamingSessionCommand,
  DeleteStreamingSessionCommand,
  GetStreamingSessionCommand,
  ListStreamingSessionsCommand,
  ServiceQuotaExceededException,
  StartStreamingSessionCommand,
  StopStreamingSessionCommand,
  ValidationException,
  waitUntilStreamingSessionDeleted,
  waitUntilStreamingSessionReady,
  waitUntilStreamingSessionStopped,
  type NimbleClient,
  type StreamingSessionState,
  type VolumeRetentionMode,
} from '@aws-sdk/client-nimble';
import { InMemoryCatalog, parseSeed } from 'nimble-streaming-sessions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  ARTIST,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  STUDIO_ID,
  startTestServer,
  testSeed,
  type TestServer,
} from './harness.js';

const waiter = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };
const QUOTA = 3;

/** The test seed with a quota small enough to reach quickly. */
const smallQuotaSeed = parseSeed({
  ...testSeed,
  studios: testSeed.studios.map((studio) => ({
    ...studio,
    quotas: { ...studio.quotas, maxSessions: QUOTA },
  })),
})._unsafeUnwrap();

async function createReady(client: NimbleClient): Promise<string> {
  const { session } = await client.send(
    new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
  );
  const sessionId = session!.sessionId!;
  await waitUntilStreamingSessionReady({ client, ...waiter }, { studioId: STUDIO_ID, sessionId });
  return sessionId;
}

async function stateOf(client: NimbleClient, sessionId: string): Promise<StreamingSessionState | undefined> {
  const { session } = await client.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
  return session?.state;
}

async function deleteAndWait(client: NimbleClient, sessionId: string): Promise<void> {
  await client.send(new DeleteStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
  const waited = await waitUntilStreamingSessionDeleted(
    { client, ...waiter },
    { studioId: STUDIO_ID, sessionId },
  );
  expect(waited.state).toBe('SUCCESS');
}

describe('the session lifecycle with the AWS SDK', () => {
  let server: TestServer;
  let artist: NimbleClient;
  beforeAll(async () => {
    server = await startTestServer({ catalog: new InMemoryCatalog(smallQuotaSeed) });
    artist = server.client(ARTIST);
  });
  afterAll(() => server.close());

  it('creates, stops, starts and deletes a session, each waited for with the SDK waiter', async () => {
    const sessionId = await createReady(artist);
    const target = { studioId: STUDIO_ID, sessionId };

    const stopped = await artist.send(new StopStreamingSessionCommand(target));
    expect(stopped.session).toMatchObject({ sessionId, state: 'STOP_IN_PROGRESS' });
    expect((await waitUntilStreamingSessionStopped({ client: artist, ...waiter }, target)).state).toBe(
      'SUCCESS',
    );
    const afterStop = await artist.send(new GetStreamingSessionCommand(target));
    expect(afterStop.session).toMatchObject({ state: 'STOPPED', stoppedBy: ARTIST_PRINCIPAL });
    expect(afterStop.session!.stoppedAt).toBeInstanceOf(Date);

    const started = await artist.send(new StartStreamingSessionCommand(target));
    expect(started.session).toMatchObject({ sessionId, state: 'START_IN_PROGRESS' });
    expect((await waitUntilStreamingSessionReady({ client: artist, ...waiter }, target)).state).toBe(
      'SUCCESS',
    );
    const afterStart = await artist.send(new GetStreamingSessionCommand(target));
    expect(afterStart.session).toMatchObject({
      state: 'READY',
      statusCode: 'STREAMING_SESSION_STARTED',
      startedBy: ARTIST_PRINCIPAL,
    });

    const deleting = await artist.send(new DeleteStreamingSessionCommand(target));
    expect(deleting.session).toMatchObject({ sessionId, state: 'DELETE_IN_PROGRESS' });
    expect((await waitUntilStreamingSessionDeleted({ client: artist, ...waiter }, target)).state).toBe(
      'SUCCESS',
    );
    // A DELETED session stays readable and listable, as the waiters need.
    expect(await stateOf(artist, sessionId)).toBe('DELETED');
    const listed = await artist.send(
      new ListStreamingSessionsCommand({ studioId: STUDIO_ID, sessionIds: sessionId }),
    );
    expect(listed.sessions!.map((s) => [s.sessionId, s.state])).toEqual([[sessionId, 'DELETED']]);
  });

  it('answers Delete of a deleted session with 200 and the session, DELETED', async () => {
    const sessionId = await createReady(artist);
    await deleteAndWait(artist, sessionId);
    const again = await artist.send(new DeleteStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
    expect(again.$metadata.httpStatusCode).toBe(200);
    expect(again.session).toMatchObject({
      sessionId,
      state: 'DELETED',
      statusCode: 'STREAMING_SESSION_DELETED',
    });
  });

  it('lets a studio at its quota create again once one of its sessions is DELETED', async () => {
    const admin = server.client(ADMIN);
    // Whatever earlier tests left running counts too: fill the studio up to its quota.
    const live = (
      await admin.send(new ListStreamingSessionsCommand({ studioId: STUDIO_ID }))
    ).sessions!.filter((s) => s.state !== 'DELETED');
    const ids: string[] = [];
    for (let i = live.length; i < QUOTA; i++) ids.push(await createReady(artist));
    const refused = await artist
      .send(new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceQuotaExceededException);

    const victim = ids[0] ?? live[0]!.sessionId!;
    await artist.send(new DeleteStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: victim }));
    // Still counted while DELETE_IN_PROGRESS: the slot comes back at DELETED.
    await waitUntilStreamingSessionDeleted(
      { client: artist, ...waiter },
      { studioId: STUDIO_ID, sessionId: victim },
    );
    const created = await artist.send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
    );
    expect(created.session!.state).toBe('CREATE_IN_PROGRESS');
    // Leave room for the other tests.
    await waitUntilStreamingSessionReady(
      { client: artist, ...waiter },
      { studioId: STUDIO_ID, sessionId: created.session!.sessionId! },
    );
    for (const sessionId of [...ids.slice(1), created.session!.sessionId!])
      await deleteAndWait(artist, sessionId);
  });

  it('carries the bodies and the client token of Stop, Start and Delete to their handlers', async () => {
    const sessionId = await createReady(artist);
    const target = { studioId: STUDIO_ID, sessionId };
    // The SDK does not check enum values; the server's schema does.
    const badMode = await artist
      .send(
        new StopStreamingSessionCommand({ ...target, volumeRetentionMode: 'KEEP' as VolumeRetentionMode }),
      )
      .catch((e: unknown) => e);
    expect(badMode).toBeInstanceOf(ValidationException);
    expect(badMode).toMatchObject({ code: 'INVALID_PARAMETER', context: { field: 'volumeRetentionMode' } });
    // Start on a READY session is a wrong stable state.
    const startReady = await artist.send(new StartStreamingSessionCommand(target)).catch((e: unknown) => e);
    expect(startReady).toBeInstanceOf(ValidationException);

    const stop = { ...target, volumeRetentionMode: 'RETAIN' as const, clientToken: 'stop-token-0001' };
    const first = await artist.send(new StopStreamingSessionCommand(stop));
    const replayed = await artist.send(new StopStreamingSessionCommand(stop));
    expect(replayed.session!.sessionId).toBe(first.session!.sessionId);
    const mismatch = await artist
      .send(new StopStreamingSessionCommand({ ...stop, volumeRetentionMode: 'DELETE' }))
      .catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ name: 'ValidationException', code: 'IDEMPOTENT_PARAMETER_MISMATCH' });
    // Delete while the stop is under way: another transition in progress.
    if ((await stateOf(artist, sessionId)) === 'STOP_IN_PROGRESS') {
      const conflict = await artist.send(new DeleteStreamingSessionCommand(target)).catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(ConflictException);
    }
    await waitUntilStreamingSessionStopped({ client: artist, ...waiter }, target);
    await deleteAndWait(artist, sessionId);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  IMG,
  IMG_EULA,
  LP,
  LP_OTHER_STUDIO,
  OTHER_STUDIO_ID,
  OUTSIDER,
  PIPELINE,
  STUDIO_ID,
  testService,
} from './fixtures.js';
import { errorOf, sessionOf } from './results.js';

describe('CreateStreamingSession', () => {
  it('returns the new session in CREATE_IN_PROGRESS with the launch profile defaults resolved', async () => {
    const { sessions } = await testService();
    const session = sessionOf(
      await sessions.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP, tags: { team: 'fx' } },
        ARTIST,
      ),
    );
    expect(session).toMatchObject({
      arn: `arn:aws:nimble:us-west-2:000000000000:streaming-session/${session.sessionId}`,
      launchProfileId: LP,
      ec2InstanceType: 'g4dn.xlarge',
      streamingImageId: IMG,
      ownedBy: ARTIST.principalId,
      createdBy: ARTIST.principalId,
      updatedBy: ARTIST.principalId,
      createdAt: '2024-01-02T03:04:05Z',
      updatedAt: '2024-01-02T03:04:05Z',
      state: 'CREATE_IN_PROGRESS',
      statusCode: 'STREAMING_SESSION_CREATE_IN_PROGRESS',
      tags: { team: 'fx' },
    });
    expect(session.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('lets an administrator create a session for a launch profile member', async () => {
    const { sessions } = await testService();
    const input = {
      studioId: STUDIO_ID,
      launchProfileId: LP,
      ownedBy: ARTIST.principalId,
      streamingImageId: IMG_EULA,
    };
    const session = sessionOf(await sessions.createStreamingSession(input, ADMIN));
    expect([session.ownedBy, session.createdBy, session.streamingImageId]).toEqual([
      ARTIST.principalId,
      ADMIN.principalId,
      IMG_EULA,
    ]);
  });

  it('lets an IAM principal create a session for a named owner, and an administrator for itself', async () => {
    const { sessions } = await testService();
    const forArtist = sessionOf(
      await sessions.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP, ownedBy: ARTIST.principalId },
        PIPELINE,
      ),
    );
    expect([forArtist.ownedBy, forArtist.createdBy]).toEqual([ARTIST.principalId, PIPELINE.principalId]);
    const own = sessionOf(
      await sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, ADMIN),
    );
    expect(own.ownedBy).toBe(ADMIN.principalId);
  });
});

describe('GetStreamingSession', () => {
  const setup = async () => {
    const service = await testService();
    const created = sessionOf(
      await service.sessions.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP, ownedBy: ARTIST.principalId },
        ADMIN,
      ),
    );
    return { ...service, created };
  };

  it('shows the session to its owner, its creator, studio administrators and IAM principals', async () => {
    const { sessions, created } = await setup();
    for (const caller of [ARTIST, ADMIN, PIPELINE]) {
      const got = await sessions.getStreamingSession(
        { studioId: STUDIO_ID, sessionId: created.sessionId },
        caller,
      );
      expect(sessionOf(got)).toEqual(created);
    }
  });

  it('denies other studio users with AccessDeniedException', async () => {
    const { sessions, created } = await setup();
    for (const caller of [ARTIST_2, OUTSIDER]) {
      const got = await sessions.getStreamingSession(
        { studioId: STUDIO_ID, sessionId: created.sessionId },
        caller,
      );
      expect(errorOf(got)).toMatchObject({
        type: 'AccessDeniedException',
        code: 'NOT_SESSION_OWNER',
        context: { principalId: caller.principalId, sessionId: created.sessionId },
      });
    }
  });

  it('answers an unknown session, or one of another studio, with ResourceNotFoundException', async () => {
    const { sessions, created } = await setup();
    const other = sessionOf(
      await sessions.createStreamingSession(
        { studioId: OTHER_STUDIO_ID, launchProfileId: LP_OTHER_STUDIO, ownedBy: ARTIST_2.principalId },
        PIPELINE,
      ),
    ).sessionId;
    for (const [studioId, sessionId] of [
      [STUDIO_ID, 'Y2Vzc2lvbi1pZC0wMDAwMQ'],
      [OTHER_STUDIO_ID, created.sessionId],
      [STUDIO_ID, other],
    ] as const) {
      expect(errorOf(await sessions.getStreamingSession({ studioId, sessionId }, PIPELINE))).toEqual({
        type: 'ResourceNotFoundException',
        code: 'STREAMING_SESSION_NOT_FOUND',
        message: expect.any(String) as string,
        context: { resourceType: 'streaming session', resourceId: sessionId },
      });
    }
  });

  it.each([
    [{ studioId: STUDIO_ID }, 'sessionId', 'required'],
    [{ studioId: STUDIO_ID, sessionId: '' }, 'sessionId', 'minLength'],
    [{ studioId: STUDIO_ID, sessionId: 'x', extra: 1 }, 'extra', 'additionalProperties'],
  ])('rejects the malformed input %j with ValidationException', async (input, field, rule) => {
    const { sessions } = await setup();
    const got = await sessions.getStreamingSession(input as never, ADMIN);
    expect(errorOf(got)).toMatchObject({
      type: 'ValidationException',
      code: 'INVALID_PARAMETER',
      context: { field, rule },
    });
  });
});

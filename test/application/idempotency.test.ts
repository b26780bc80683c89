import { describe, expect, it } from 'vitest';
import { InMemoryDatabase, type CreateStreamingSessionInput } from 'nimble-streaming-sessions';
import type { SessionViews } from '../../src/application/ports/session-views.js';
import {
  AdjustableCatalog,
  ADMIN,
  ARTIST,
  ARTIST_2,
  IMG_EULA,
  LP,
  LP_OTHER_STUDIO,
  OTHER_STUDIO_ID,
  PIPELINE,
  STUDIO_ID,
  testSeed,
  testService,
  wrappedStorage,
} from './fixtures.js';
import { errorOf, sessionOf } from './results.js';

const input = (extra: Partial<CreateStreamingSessionInput> = {}): CreateStreamingSessionInput => ({
  studioId: STUDIO_ID,
  launchProfileId: LP,
  clientToken: 'token-1',
  tags: { team: 'fx', show: 'pilot' },
  ...extra,
});

describe('client tokens on CreateStreamingSession (reference §7)', () => {
  it('replays the same token and parameters as the same session, and creates nothing more', async () => {
    const service = await testService();
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    const again = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(again).toEqual(first);
    expect(await service.rows()).toHaveLength(1);
  });

  it('replays with the session’s current view, not a stored copy', async () => {
    const service = await testService();
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    service.clock.advance(5_000);
    await service.provisionAll();
    const again = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(again).toMatchObject({
      sessionId: first.sessionId,
      state: 'READY',
      statusCode: 'STREAMING_SESSION_READY',
    });
  });

  it('replays a session that failed to provision, in CREATE_FAILED', async () => {
    const service = await testService({
      provisioner: { failInstanceTypes: { 'g4dn.xlarge': 'NETWORK_INTERFACE_ERROR' } },
    });
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    await service.provisionAll();
    const again = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(again).toMatchObject({
      sessionId: first.sessionId,
      state: 'CREATE_FAILED',
      statusCode: 'NETWORK_INTERFACE_ERROR',
    });
  });

  it('treats equal inputs as equal whatever their key order or null members', async () => {
    const service = await testService();
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    const reordered = {
      clientToken: 'token-1',
      tags: { show: 'pilot', team: 'fx' },
      launchProfileId: LP,
      studioId: STUDIO_ID,
      ownedBy: null,
    };
    const again = sessionOf(
      await service.sessions.createStreamingSession(
        reordered as unknown as CreateStreamingSessionInput,
        ARTIST,
      ),
    );
    expect(again.sessionId).toBe(first.sessionId);
  });

  it.each([
    ['other tags', input({ tags: { team: 'lighting' } })],
    ['no tags', { studioId: STUDIO_ID, launchProfileId: LP, clientToken: 'token-1' }],
    ['another instance type', input({ ec2InstanceType: 'g4dn.2xlarge' })],
    ['another image', input({ streamingImageId: IMG_EULA })],
  ])('rejects the same token with %s as IDEMPOTENT_PARAMETER_MISMATCH', async (_case, changed) => {
    const service = await testService();
    sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(errorOf(await service.sessions.createStreamingSession(changed, ARTIST))).toMatchObject({
      type: 'ValidationException',
      code: 'IDEMPOTENT_PARAMETER_MISMATCH',
      context: { clientToken: 'token-1' },
    });
    expect(await service.rows()).toHaveLength(1);
  });

  it('rejects the same token from another caller rather than handing over their session', async () => {
    const service = await testService();
    sessionOf(await service.sessions.createStreamingSession(input({ ownedBy: ARTIST.principalId }), ADMIN));
    const replayed = await service.sessions.createStreamingSession(
      input({ ownedBy: ARTIST.principalId }),
      PIPELINE,
    );
    expect(errorOf(replayed)).toMatchObject({
      type: 'ValidationException',
      code: 'IDEMPOTENT_PARAMETER_MISMATCH',
    });
  });

  it('scopes tokens to their studio', async () => {
    const service = await testService();
    const here = sessionOf(await service.sessions.createStreamingSession(input({ tags: {} }), ARTIST_2));
    const there = sessionOf(
      await service.sessions.createStreamingSession(
        { studioId: OTHER_STUDIO_ID, launchProfileId: LP_OTHER_STUDIO, clientToken: 'token-1', tags: {} },
        ARTIST_2,
      ),
    );
    expect(there.sessionId).not.toBe(here.sessionId);
  });

  it('does not de-duplicate requests without a token', async () => {
    const service = await testService();
    const plain = { studioId: STUDIO_ID, launchProfileId: LP };
    const a = sessionOf(await service.sessions.createStreamingSession(plain, ARTIST));
    const b = sessionOf(await service.sessions.createStreamingSession(plain, ARTIST));
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(await service.rows()).toHaveLength(2);
  });

  it('records no failure: a token whose request failed may be used again, even with other parameters', async () => {
    const service = await testService();
    const failed = await service.sessions.createStreamingSession(
      input({ ec2InstanceType: 'g4dn.4xlarge' }),
      ARTIST,
    );
    expect(errorOf(failed).code).toBe('INSTANCE_TYPE_NOT_ALLOWED');
    const retried = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(sessionOf(await service.sessions.createStreamingSession(input(), ARTIST)).sessionId).toBe(
      retried.sessionId,
    );
  });

  it('lets the same request succeed with its token once a quota increase is granted', async () => {
    const catalog = new AdjustableCatalog(testSeed({ maxSessions: 1 }));
    const service = await testService({ catalog });
    sessionOf(
      await service.sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, ARTIST_2),
    );
    const refused = await service.sessions.createStreamingSession(input(), ARTIST);
    expect(errorOf(refused)).toMatchObject({
      type: 'ServiceQuotaExceededException',
      context: { limit: '1', current: '1' },
    });
    catalog.setQuotaLimits(STUDIO_ID, { maxSessions: 2, maxSessionsPerInstanceFamily: { g5: 0 } });
    const accepted = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    const replayed = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(replayed.sessionId).toBe(accepted.sessionId);
    expect(await service.rows()).toHaveLength(2);
  });

  it('replays a token even when the quota is now full: a replay takes no new slot', async () => {
    const service = await testService({ catalog: testSeed({ maxSessions: 1 }) });
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(sessionOf(await service.sessions.createStreamingSession(input(), ARTIST)).sessionId).toBe(
      first.sessionId,
    );
    const other = await service.sessions.createStreamingSession(input({ clientToken: 'token-2' }), ARTIST);
    expect(errorOf(other).type).toBe('ServiceQuotaExceededException');
  });

  it('forgets a token 24 hours after its first success', async () => {
    const service = await testService();
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    service.clock.advance(24 * 60 * 60 * 1000 - 1000);
    expect(sessionOf(await service.sessions.createStreamingSession(input(), ARTIST)).sessionId).toBe(
      first.sessionId,
    );
    service.clock.advance(2000);
    const later = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    expect(later.sessionId).not.toBe(first.sessionId);
    expect(await service.rows()).toHaveLength(2);
  });

  it('answers InternalServerErrorException when the token’s session cannot be read', async () => {
    // A view that lags behind the log (a read replica, say) must not turn a replay into a second session.
    const hidden = new Set<string>();
    const lagging = (views: SessionViews): SessionViews => ({
      get: (studioId, sessionId) =>
        hidden.has(sessionId) ? Promise.resolve(undefined) : views.get(studioId, sessionId),
      list: (studioId, query) => views.list(studioId, query),
      countInProgress: () => views.countInProgress(),
      countByState: () => views.countByState(),
    });
    const service = await testService({
      storage: wrappedStorage(new InMemoryDatabase(), { views: lagging }),
    });
    const first = sessionOf(await service.sessions.createStreamingSession(input(), ARTIST));
    hidden.add(first.sessionId);
    expect(errorOf(await service.sessions.createStreamingSession(input(), ARTIST))).toMatchObject({
      type: 'InternalServerErrorException',
      code: 'SESSION_VIEW_MISSING',
      context: { sessionId: first.sessionId },
    });
    expect(await service.rows()).toHaveLength(1);
  });
});

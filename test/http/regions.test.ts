/**
 * Regional endpoints: a studio lives in the region its id names (`us-west-2:stid-…`), and a request signed
 * for another region reaches an endpoint that does not know it.
 */
import {
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-nimble';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIST, ARTIST_PROFILE, STUDIO_ID, startTestServer, type TestServer } from './harness.js';

describe('regional endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const notFound = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('the request succeeded');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(ResourceNotFoundException);
        return error as ResourceNotFoundException & { code?: string; context?: Record<string, string> };
      },
    );

  it('answers ResourceNotFoundException for the studio to a client configured for another region', async () => {
    const home = server.client(ARTIST, 1, 'us-west-2');
    const { session } = await home.send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
    );
    const sessionId = session!.sessionId!;

    const away = server.client(ARTIST, 1, 'eu-west-1');
    const created = await notFound(
      away.send(new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE })),
    );
    expect(created.code).toBe('STUDIO_NOT_FOUND');
    expect(created.context).toMatchObject({
      resourceType: 'studio',
      resourceId: STUDIO_ID,
      region: 'eu-west-1',
    });
    expect(created.$metadata.httpStatusCode).toBe(404);
    const got = await notFound(away.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId })));
    expect(got.code).toBe('STUDIO_NOT_FOUND');

    // The same session is still there for its own region.
    const again = await home.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
    expect(again.session?.sessionId).toBe(sessionId);
  });
});

/**
 * The real @aws-sdk/client-nimble against the server on a loopback port: what code written for the AWS
 * service does, unchanged, must work here.
 */
import {
  AccessDeniedException,
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  waitUntilStreamingSessionReady,
} from '@aws-sdk/client-nimble';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIST,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  RENDER_PROFILE,
  STUDIO_ID,
  startTestServer,
  type TestServer,
} from './harness.js';

const waiter = { maxWaitTime: 30, minDelay: 1, maxDelay: 1 };

describe('the AWS SDK against the HTTP server', () => {
  let server: TestServer;
  beforeAll(async () => {
    // g4dn.4xlarge (the render profile's only type) has no capacity: its sessions fail to provision.
    server = await startTestServer({ provisioner: { capacity: { 'g4dn.4xlarge': 0 } } });
  });
  afterAll(() => server.close());

  it('creates a session and waitUntilStreamingSessionReady succeeds', async () => {
    const client = server.client();
    const created = await client.send(
      new CreateStreamingSessionCommand({
        studioId: STUDIO_ID,
        launchProfileId: ARTIST_PROFILE,
        tags: { project: 'Ünïcode – ok' },
      }),
    );
    const session = created.session!;
    expect(session.state).toBe('CREATE_IN_PROGRESS');
    expect(session.launchProfileId).toBe(ARTIST_PROFILE);
    expect(session.ownedBy).toBe(ARTIST_PRINCIPAL);
    expect(session.tags).toEqual({ project: 'Ünïcode – ok' });
    // ISO-8601 strings on the wire arrive as Dates; numbers would have made the SDK throw.
    expect(session.createdAt).toBeInstanceOf(Date);
    expect(session.createdAt!.getUTCMilliseconds()).toBe(0);
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const waited = await waitUntilStreamingSessionReady(
      { client, ...waiter },
      { studioId: STUDIO_ID, sessionId: session.sessionId! },
    );
    expect(waited.state).toBe('SUCCESS');
    const got = await client.send(
      new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: session.sessionId! }),
    );
    expect(got.session).toMatchObject({
      sessionId: session.sessionId,
      state: 'READY',
      statusCode: 'STREAMING_SESSION_READY',
      arn: `arn:aws:nimble:us-west-2:000000000000:streaming-session/${session.sessionId!}`,
    });
  });

  it('makes the waiter fail when provisioning ends in CREATE_FAILED', async () => {
    const client = server.client();
    const created = await client.send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: RENDER_PROFILE }),
    );
    const sessionId = created.session!.sessionId!;
    const failure = await waitUntilStreamingSessionReady(
      { client, ...waiter },
      { studioId: STUDIO_ID, sessionId },
    ).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    const { result } = JSON.parse(failure!.message) as {
      result: { state: string; reason: { session: { state: string; statusCode: string } } };
    };
    expect(result.state).toBe('FAILURE');
    expect(result.reason.session).toMatchObject({
      state: 'CREATE_FAILED',
      statusCode: 'INSUFFICIENT_CAPACITY',
    });
  });

  it('returns the same session for a replayed client token', async () => {
    const client = server.client();
    const input = { studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE, clientToken: 'replay-token-0001' };
    const first = await client.send(new CreateStreamingSessionCommand(input));
    const second = await client.send(new CreateStreamingSessionCommand(input));
    expect(second.session!.sessionId).toBe(first.session!.sessionId);
    expect(second.$metadata.requestId).not.toBe(first.$metadata.requestId);
  });

  it('answers a wrong signature with AccessDeniedException', async () => {
    const client = server.client({ accessKeyId: ARTIST.accessKeyId, secretAccessKey: 'not-the-secret' });
    const error = await client
      .send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'whatever' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error).toMatchObject({
      code: 'SIGNATURE_DOES_NOT_MATCH',
      context: { accessKeyId: ARTIST.accessKeyId },
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('decodes path labels: a session id with reserved characters is looked up verbatim', async () => {
    const client = server.client();
    const error = await client
      .send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'a/b c:d?e#f%g' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      context: { resourceId: 'a/b c:d?e#f%g' },
    });
  });
});

/**
 * Temporary credentials (an assumed role, an SSO profile, AWS_SESSION_TOKEN): the real SDK signs with a
 * session token, which the server matches against the seed's, signed and unexpired. A long-term key sent
 * with a token is refused, as before.
 */
import {
  AccessDeniedException,
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
} from '@aws-sdk/client-nimble';
import type { SeedCredential } from 'nimble-streaming-sessions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIST,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  STUDIO_ID,
  startTestServer,
  testSeed,
  type ClientCredentials,
  type TestServer,
} from './harness.js';
import { createRequest, send, sign } from './signing.js';

const TEMPORARY = {
  accessKeyId: 'ASIATEMPARTIST000001',
  secretAccessKey: 'temporary-artist-secret-000000000000001',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//session/token+artist==',
};
const EXPIRED = {
  accessKeyId: 'ASIAEXPIREDARTIST001',
  secretAccessKey: 'expired-artist-secret-00000000000000001',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//expired/token==',
};

const credentials: SeedCredential[] = [
  ...(testSeed.credentials ?? []),
  {
    ...TEMPORARY,
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    principalId: ARTIST_PRINCIPAL,
    kind: 'STUDIO_USER',
  },
  { ...EXPIRED, expiresAt: '2024-01-01T00:00:00Z', principalId: ARTIST_PRINCIPAL, kind: 'STUDIO_USER' },
];

describe('temporary credentials', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ credentials });
  });
  afterAll(() => server.close());

  /** The AccessDeniedException a create signed with `as` fails with. */
  const refusal = (as: ClientCredentials) =>
    server
      .client(as)
      .send(new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }))
      .then(
        () => {
          throw new Error('the create succeeded');
        },
        (error: unknown) => {
          expect(error).toBeInstanceOf(AccessDeniedException);
          expect((error as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
          return error as AccessDeniedException & { code?: string };
        },
      );

  it('creates and gets a session with the SDK signing with a session token', async () => {
    const client = server.client(TEMPORARY);
    const { session } = await client.send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
    );
    expect(session?.ownedBy).toBe(ARTIST_PRINCIPAL);
    const got = await client.send(
      new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: session!.sessionId! }),
    );
    expect(got.session?.sessionId).toBe(session?.sessionId);
  });

  it('refuses a wrong token, a missing one and an expired one, each with a clear message', async () => {
    const wrong = await refusal({ ...TEMPORARY, sessionToken: `${TEMPORARY.sessionToken}x` });
    expect(wrong.code).toBe('INVALID_SECURITY_TOKEN');
    const missing = await refusal({
      accessKeyId: TEMPORARY.accessKeyId,
      secretAccessKey: TEMPORARY.secretAccessKey,
    });
    expect(missing.code).toBe('MISSING_SECURITY_TOKEN');
    expect(missing.message).toMatch(/X-Amz-Security-Token/);
    const expired = await refusal(EXPIRED);
    expect(expired.code).toBe('EXPIRED_TOKEN');
    expect(expired.message).toMatch(/expired/);
    // Another temporary key's token is just as wrong.
    expect((await refusal({ ...TEMPORARY, sessionToken: EXPIRED.sessionToken })).code).toBe(
      'INVALID_SECURITY_TOKEN',
    );
  });

  it('refuses a token sent with a long-term key', async () => {
    const longTerm = await refusal({ ...ARTIST, sessionToken: TEMPORARY.sessionToken });
    expect(longTerm.code).toBe('UNRECOGNIZED_CLIENT');
  });

  it('refuses a token that the signature does not cover', async () => {
    const port = new URL(server.url).port;
    // Signed without the token, which is added afterwards: the signature does not cover it.
    const signed = await sign(createRequest(port, { launchProfileId: ARTIST_PROFILE }), {
      credentials: { accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey },
    });
    const response = await send(server.url, {
      ...signed,
      headers: { ...signed.headers, 'x-amz-security-token': TEMPORARY.sessionToken },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'INCOMPLETE_SIGNATURE',
      context: { header: 'x-amz-security-token' },
    });
  });
});

/**
 * Standing first, on the wire: a signed caller who belongs to nothing gets the same 403 body from the real
 * SDK whether the studio and launch profile exist or not, and learns no profile's settings; an
 * administrator gets the detailed errors.
 */
import { CreateStreamingSessionCommand, type NimbleServiceException } from '@aws-sdk/client-nimble';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  STUDIO_ID,
  startTestServer,
  testSeed,
  type TestServer,
} from './harness.js';

const NOBODY = {
  accessKeyId: 'AKIANOBODY0000000001',
  secretAccessKey: 'nobody-secret-key-00000000000000000000001',
};

type NimbleError = NimbleServiceException & { code?: string; context?: Record<string, string> };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    credentials: [
      ...(testSeed.credentials ?? []),
      { ...NOBODY, principalId: '5e5e5e5e5e-55555555-5555-4555-8555-555555555555', kind: 'STUDIO_USER' },
    ],
  });
});
afterAll(() => server.close());

async function answer(credentials: typeof NOBODY, input: Record<string, string>) {
  const error = await server
    .client(credentials)
    .send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE, ...input }),
    )
    .then(
      () => {
        throw new Error('expected the create to fail');
      },
      (e: unknown) => e as NimbleError,
    );
  return {
    status: error.$metadata.httpStatusCode,
    name: error.name,
    code: error.code,
    message: error.message,
    context: error.context,
  };
}

describe('CreateStreamingSession standing over HTTP', () => {
  it('a member of nothing gets one 403 for an existing profile, a missing one and a missing studio', async () => {
    const missingStudio = 'us-west-2:stid-nosuchstudio0000';
    const answers = [
      await answer(NOBODY, {}),
      await answer(NOBODY, { ec2InstanceType: 'g4dn.16xlarge' }),
      await answer(NOBODY, { launchProfileId: 'LpDoesNotExist0000001' }),
      await answer(NOBODY, { studioId: missingStudio }),
    ];
    const same = answers.map((a) => JSON.stringify(a).replaceAll(missingStudio, STUDIO_ID));
    expect(new Set(same).size).toBe(1);
    expect(answers[0]).toMatchObject({
      status: 403,
      name: 'AccessDeniedException',
      code: 'NOT_AUTHORIZED_IN_STUDIO',
      context: { studioId: STUDIO_ID },
    });
    expect(JSON.stringify(answers)).not.toContain('g4dn.xlarge');
  });

  it('an administrator still learns what the profile allows', async () => {
    const detailed = await answer(ADMIN, { ec2InstanceType: 'g4dn.16xlarge', ownedBy: ARTIST_PRINCIPAL });
    expect(detailed).toMatchObject({ status: 400, code: 'INSTANCE_TYPE_NOT_ALLOWED' });
    expect(detailed.context?.allowed).toBeDefined();
  });
});

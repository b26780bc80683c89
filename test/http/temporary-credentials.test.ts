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
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedCredential } from 'nimble-streaming-sessions';
import {
  credentialStoreFromSeed,
  parseServerOptions,
  startServer,
  type ApiCredential,
  type ServerOptions,
} from 'nimble-streaming-sessions/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIST,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  STUDIO_ID,
  startTestServer,
  testSeed,
  demoSeed,
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

/** The AccessDeniedException a create signed with `as` on `server` fails with. */
const refusalOn = (server: TestServer, as: ClientCredentials) =>
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
        return error as AccessDeniedException & { code?: string; context?: Record<string, string> };
      },
    );

describe('temporary credentials', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ credentials });
  });
  afterAll(() => server.close());

  const refusal = (as: ClientCredentials) => refusalOn(server, as);

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

/** A temporary key of the artist, `n` its number, with the expiry it is given. */
const temporaryKey = (n: number) => ({
  accessKeyId: `ASIAUNREADABLE${String(n).padStart(6, '0')}`,
  secretAccessKey: `unreadable-expiry-secret-${String(n).padStart(16, '0')}`,
  sessionToken: `IQoJb3JpZ2luX2VjEXAMPLE//unreadable/${n}==`,
});

describe('a temporary key whose expiry cannot be read', () => {
  // Built directly, past the seed loader that refuses such a seed: a leap second through the seed
  // credentials' own parsing (Date.parse gives NaN), and records whose expiry is NaN or ±Infinity.
  // Before, NaN and Infinity never expired, and -Infinity failed with an internal error.
  const records: Record<string, ApiCredential> = {};
  const caller = { principalId: ARTIST_PRINCIPAL, kind: 'STUDIO_USER' } as const;
  for (const [n, expiresAt] of [
    [2, Number.NaN],
    [3, Number.POSITIVE_INFINITY],
    [4, Number.NEGATIVE_INFINITY],
    // Long past, and beyond what a Date holds: refused, without naming an instant it cannot write.
    [5, -1e300],
  ] as const) {
    const key = temporaryKey(n);
    records[key.accessKeyId] = { ...key, expiresAt, caller };
  }
  const fromSeed = credentialStoreFromSeed([
    ...(testSeed.credentials ?? []),
    { ...temporaryKey(1), expiresAt: '2016-12-31T23:59:60Z', ...caller },
  ]);
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      credentialStore: {
        lookup: (accessKeyId) =>
          accessKeyId in records ? Promise.resolve(records[accessKeyId]) : fromSeed.lookup(accessKeyId),
      },
    });
  });
  afterAll(() => server.close());

  it.each([
    ['a leap second in the seed credentials (NaN once parsed)', 1],
    ['NaN', 2],
    ['Infinity', 3],
    ['-Infinity', 4],
    ['-1e300', 5],
  ] as const)('with %s is refused as an expired one is, with EXPIRED_TOKEN', async (_, n) => {
    const key = temporaryKey(n);
    const refused = await refusalOn(server, key);
    expect(refused.code).toBe('EXPIRED_TOKEN');
    expect(refused.message).toBe('The security token included in the request is expired.');
    expect(refused.context).toMatchObject({ accessKeyId: key.accessKeyId });
  });

  it('while the seed keys beside it still work', async () => {
    const { session } = await server
      .client(ARTIST)
      .send(new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }));
    expect(session?.ownedBy).toBe(ARTIST_PRINCIPAL);
  });
});

describe('a seed file with a leap-second expiry', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('stops the server before it listens, naming the file, the key and the value', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nss-leap-second-'));
    const seedFile = join(dir, 'seed.json');
    const leap = {
      ...temporaryKey(9),
      expiresAt: '2016-12-31T23:59:60Z',
      principalId: ARTIST_PRINCIPAL,
      kind: 'STUDIO_USER',
    };
    await writeFile(
      seedFile,
      JSON.stringify({ ...demoSeed, credentials: [...(demoSeed.credentials ?? []), leap] }),
    );
    const options = parseServerOptions(
      ['--port', '0', '--storage', 'memory', '--seed', seedFile],
      {},
    )._unsafeUnwrap() as ServerOptions;
    const started = startServer({ ...options, logLevel: 'silent' });
    await expect(started).rejects.toThrow(
      `The seed file ${seedFile} is invalid: credentials.3.expiresAt of access key ${leap.accessKeyId} ` +
        'is 2016-12-31T23:59:60Z, not a timestamp this server can read',
    );
  });
});

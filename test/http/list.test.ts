/**
 * ListStreamingSessions through the real @aws-sdk/client-nimble: filters, the SDK's paginator over small
 * pages (also while sessions are being created), nextToken errors, who sees what; and routes this server
 * does not have, as the SDK reports them.
 */
import {
  CreateStreamingSessionCommand,
  GetStudioCommand,
  ListStreamingSessionsCommand,
  ListStudiosCommand,
  NimbleServiceException,
  paginateListStreamingSessions,
  ValidationException,
  type ListStreamingSessionsCommandInput,
  type NimbleClient,
  type StreamingSession,
} from '@aws-sdk/client-nimble';
import { InMemoryCatalog, parseSeed } from 'nimble-streaming-sessions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  ADMIN_PRINCIPAL,
  ARTIST,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  STUDIO_ID,
  startTestServer,
  testSeed,
  type TestServer,
} from './harness.js';

/** The test seed with room for more sessions than the demo's quota of 20. */
const roomySeed = parseSeed({
  ...testSeed,
  studios: testSeed.studios.map((studio) => ({
    ...studio,
    quotas: { ...studio.quotas, maxSessions: 500 },
  })),
})._unsafeUnwrap();

const PAGE_SIZE = 3;

async function create(client: NimbleClient, ownedBy?: string): Promise<StreamingSession> {
  const { session } = await client.send(
    new CreateStreamingSessionCommand({
      studioId: STUDIO_ID,
      launchProfileId: ARTIST_PROFILE,
      ...(ownedBy === undefined ? {} : { ownedBy }),
    }),
  );
  return session!;
}

const idsOf = (sessions: readonly StreamingSession[]) => sessions.map((s) => s.sessionId!);

async function listAll(
  client: NimbleClient,
  input: Omit<ListStreamingSessionsCommandInput, 'studioId'> = {},
  between: () => Promise<void> = () => Promise.resolve(),
): Promise<{ readonly ids: string[]; readonly pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of paginateListStreamingSessions({ client }, { studioId: STUDIO_ID, ...input })) {
    pages++;
    ids.push(...idsOf(page.sessions ?? []));
    await between();
  }
  return { ids, pages };
}

async function failure(promise: Promise<unknown>): Promise<NimbleServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NimbleServiceException);
  return error as NimbleServiceException;
}

describe('ListStreamingSessions with the AWS SDK', () => {
  let server: TestServer;
  let artist: NimbleClient;
  let admin: NimbleClient;
  let artistOwn: string[];
  let adminForArtist: string;
  let adminOwn: string[];
  beforeAll(async () => {
    server = await startTestServer({
      catalog: new InMemoryCatalog(roomySeed),
      config: { listPageSize: PAGE_SIZE },
    });
    artist = server.client(ARTIST);
    admin = server.client(ADMIN);
    artistOwn = idsOf([await create(artist), await create(artist), await create(artist)]);
    adminForArtist = (await create(admin, ARTIST_PRINCIPAL)).sessionId!;
    adminOwn = idsOf([await create(admin), await create(admin), await create(admin), await create(admin)]);
  });
  afterAll(() => server.close());

  it('filters by createdBy, ownedBy and a comma-separated sessionIds', async () => {
    const sorted = (ids: string[]) => [...ids].sort();
    expect(sorted((await listAll(admin, { createdBy: ARTIST_PRINCIPAL })).ids)).toEqual(sorted(artistOwn));
    expect(sorted((await listAll(admin, { ownedBy: ARTIST_PRINCIPAL })).ids)).toEqual(
      sorted([...artistOwn, adminForArtist]),
    );
    expect((await listAll(admin, { createdBy: ADMIN_PRINCIPAL, ownedBy: ARTIST_PRINCIPAL })).ids).toEqual([
      adminForArtist,
    ]);
    const picked = [artistOwn[0]!, adminOwn[1]!];
    const page = await admin.send(
      new ListStreamingSessionsCommand({ studioId: STUDIO_ID, sessionIds: ` ${picked.join(' , ')},, ` }),
    );
    expect(sorted(idsOf(page.sessions!))).toEqual(sorted(picked));
    expect(page.nextToken).toBeUndefined();
    expect(page.sessions![0]!.createdAt).toBeInstanceOf(Date);
  });

  it('shows a studio user only the sessions they created or own, and an administrator all', async () => {
    const seenByArtist = await listAll(artist);
    expect([...seenByArtist.ids].sort()).toEqual([...artistOwn, adminForArtist].sort());
    const seenByAdmin = await listAll(admin);
    expect(seenByAdmin.ids).toHaveLength(new Set(seenByAdmin.ids).size);
    expect(seenByAdmin.ids).toEqual(expect.arrayContaining([...artistOwn, adminForArtist, ...adminOwn]));
    // A filter never widens what a user sees.
    expect((await listAll(artist, { createdBy: ADMIN_PRINCIPAL })).ids).toEqual([adminForArtist]);
  });

  it('paginateListStreamingSessions returns every session exactly once over several pages', async () => {
    const all = await listAll(admin);
    expect(all.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(all.ids).size).toBe(all.ids.length);
    expect([...all.ids].sort()).toEqual([...artistOwn, adminForArtist, ...adminOwn].sort());
  });

  it('stays correct while sessions are created between pages', async () => {
    const before = (await listAll(admin)).ids;
    const created: string[] = [];
    const during = await listAll(admin, {}, async () => {
      created.push((await create(admin)).sessionId!, (await create(artist)).sessionId!);
    });
    expect(during.pages).toBeGreaterThanOrEqual(Math.ceil(before.length / PAGE_SIZE));
    // No session comes twice; every session that existed before comes, in the same order.
    expect(new Set(during.ids).size).toBe(during.ids.length);
    expect(during.ids.filter((id) => before.includes(id))).toEqual(before);
    // A new session is listed once or not at all (one created in the second already passed sorts before
    // the position); any that is listed was created meanwhile.
    expect(during.ids.filter((id) => !before.includes(id)).every((id) => created.includes(id))).toBe(true);
  });

  it('answers a garbage, altered or foreign nextToken with ValidationException INVALID_NEXT_TOKEN', async () => {
    const first = await admin.send(new ListStreamingSessionsCommand({ studioId: STUDIO_ID }));
    const token = first.nextToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const altered = Buffer.from(JSON.stringify({ ...body, id: 'AAAAAAAAAAAAAAAAAAAAAA' })).toString(
      'base64url',
    );
    for (const [input, reason] of [
      [{ nextToken: 'garbage' }, 'MALFORMED'],
      [{ nextToken: `${token}x` }, 'MALFORMED'],
      [{ nextToken: altered }, 'ALTERED'],
      [{ nextToken: token, ownedBy: ARTIST_PRINCIPAL }, 'OTHER_QUERY'],
      [{ nextToken: token, sessionIds: artistOwn.join(',') }, 'OTHER_QUERY'],
    ] as const) {
      const error = await failure(
        admin.send(new ListStreamingSessionsCommand({ studioId: STUDIO_ID, ...input })),
      );
      expect(error).toBeInstanceOf(ValidationException);
      expect(error).toMatchObject({
        code: 'INVALID_NEXT_TOKEN',
        context: { field: 'nextToken', reason },
        $metadata: { httpStatusCode: 400 },
      });
    }
    const second = await admin.send(
      new ListStreamingSessionsCommand({ studioId: STUDIO_ID, nextToken: token }),
    );
    expect(idsOf(second.sessions!).some((id) => idsOf(first.sessions!).includes(id))).toBe(false);
  });

  it('refuses more than 100 session ids with ValidationException', async () => {
    const sessionIds = Array.from({ length: 101 }, (_, i) => `id-${i}`).join(',');
    const error = await failure(
      admin.send(new ListStreamingSessionsCommand({ studioId: STUDIO_ID, sessionIds })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({ code: 'TOO_MANY_SESSION_IDS' });
  });

  it('reports an operation this server does not have as UnknownOperationException', async () => {
    for (const command of [new GetStudioCommand({ studioId: STUDIO_ID }), new ListStudiosCommand({})]) {
      const error = await failure(admin.send(command as never));
      expect(error.name).toBe('UnknownOperationException');
      expect(error).toMatchObject({
        context: { reason: 'UNKNOWN_OPERATION' },
        $metadata: { httpStatusCode: 404 },
      });
    }
  });
});

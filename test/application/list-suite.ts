/**
 * ListStreamingSessions as a specification, run against every storage adapter: the same assertions on the
 * in-memory reference and on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import type {
  ApiError,
  Caller,
  ListStreamingSessionsInput,
  ListStreamingSessionsOutput,
  StreamingSessionView,
} from 'nimble-streaming-sessions';
import type { Result } from 'neverthrow';
import {
  ADMIN,
  ARTIST,
  ARTIST_2,
  LP,
  LP_STOPPABLE,
  OTHER_STUDIO_ID,
  OUTSIDER,
  PIPELINE,
  STUDIO_ID,
  type TestService,
} from './fixtures.js';
import { sessionOf } from './results.js';

/**
 * Builds a fresh service (empty storage) with the given page size, whose provisioner fails every
 * g4dn.2xlarge with INSUFFICIENT_CAPACITY.
 */
export type ListServiceFactory = (options: { readonly listPageSize?: number }) => Promise<TestService>;

function pageOf(result: Result<ListStreamingSessionsOutput, ApiError>): ListStreamingSessionsOutput {
  if (result.isErr()) throw new Error(`Expected a page, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function listErrorOf(result: Result<ListStreamingSessionsOutput, ApiError>): ApiError {
  if (result.isOk()) throw new Error(`Expected an error, got ${result.value.sessions.length} sessions`);
  return result.error;
}

const ids = (sessions: readonly StreamingSessionView[]) => sessions.map((s) => s.sessionId);

/** Follows nextToken to the end; `between` runs after each page (to create sessions meanwhile). */
async function listAll(
  service: TestService,
  input: Omit<ListStreamingSessionsInput, 'nextToken'>,
  caller: Caller,
  between: (page: number) => Promise<void> = () => Promise.resolve(),
): Promise<{ readonly sessions: StreamingSessionView[]; readonly pages: number }> {
  const sessions: StreamingSessionView[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = pageOf(
      await service.sessions.listStreamingSessions(
        { ...input, ...(nextToken === undefined ? {} : { nextToken }) },
        caller,
      ),
    );
    pages++;
    sessions.push(...page.sessions);
    nextToken = page.nextToken;
    await between(pages);
  } while (nextToken !== undefined);
  return { sessions, pages };
}

async function create(
  service: TestService,
  caller: Caller,
  extra: { ownedBy?: string; ec2InstanceType?: 'g4dn.2xlarge' } = {},
  sameSecond = false,
): Promise<StreamingSessionView> {
  // createdAt has whole seconds; a second apart, sessions list in the order they were created.
  if (!sameSecond) service.clock.advance(1_000);
  return sessionOf(
    await service.sessions.createStreamingSession(
      { studioId: STUDIO_ID, launchProfileId: LP, ...extra },
      caller,
    ),
  );
}

/** The list handler's rules, against the storage the factory assembles. */
export function describeListStreamingSessions(adapter: string, factory: ListServiceFactory): void {
  describe(`ListStreamingSessions (${adapter})`, () => {
    it('lists every session of the studio in createdAt then sessionId order, in every state', async () => {
      const service = await factory({});
      const first = await create(service, ARTIST);
      const failing = await create(service, ARTIST, { ec2InstanceType: 'g4dn.2xlarge' });
      // Two sessions in the same second: the session id breaks the tie.
      const tied = [await create(service, ARTIST), await create(service, ARTIST, {}, true)].sort((a, b) =>
        a.sessionId < b.sessionId ? -1 : 1,
      );
      await service.provisionAll();
      const page = pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID }, ARTIST));
      expect(ids(page.sessions)).toEqual([first.sessionId, failing.sessionId, ...ids(tied)]);
      expect(page.nextToken).toBeUndefined();
      expect(page.sessions.map((s) => s.state)).toEqual(['READY', 'CREATE_FAILED', 'READY', 'READY']);
      const got = sessionOf(
        await service.sessions.getStreamingSession(
          { studioId: STUDIO_ID, sessionId: first.sessionId },
          ARTIST,
        ),
      );
      expect(page.sessions[0]).toEqual(got);
    });

    it('lists STOPPED and DELETED sessions too, until a DELETED one is purged', async () => {
      const service = await factory({});
      const input = { studioId: STUDIO_ID, launchProfileId: LP_STOPPABLE };
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        service.clock.advance(1_000);
        ids.push(sessionOf(await service.sessions.createStreamingSession(input, ARTIST)).sessionId);
      }
      await service.worker.runDue();
      const [stopped, deleted, ready] = ids.map((sessionId) => ({ studioId: STUDIO_ID, sessionId }));
      sessionOf(await service.sessions.stopStreamingSession(stopped!, ARTIST));
      sessionOf(await service.sessions.deleteStreamingSession(deleted!, ARTIST));
      await service.worker.runDue();
      const states = async () =>
        pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID }, ARTIST)).sessions.map(
          (s) => [s.sessionId, s.state],
        );
      expect(await states()).toEqual([
        [stopped!.sessionId, 'STOPPED'],
        [deleted!.sessionId, 'DELETED'],
        [ready!.sessionId, 'READY'],
      ]);
      // The purge of a DELETED view is due after the retention (24 h by default).
      service.clock.advance(24 * 60 * 60 * 1000 + 1_000);
      await service.worker.runDue();
      expect((await states()).map(([id]) => id)).not.toContain(deleted!.sessionId);
    });

    it('resumes after a position whose session has been purged meanwhile', async () => {
      const service = await factory({ listPageSize: 2 });
      const created: StreamingSessionView[] = [];
      for (let i = 0; i < 5; i++) created.push(await create(service, ARTIST));
      await service.worker.runDue();
      const first = pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID }, ARTIST));
      expect(ids(first.sessions)).toEqual(ids(created.slice(0, 2)));
      // The page's last session goes away entirely before the next page is read.
      const gone = { studioId: STUDIO_ID, sessionId: created[1]!.sessionId };
      sessionOf(await service.sessions.deleteStreamingSession(gone, ARTIST));
      await service.worker.runDue();
      service.clock.advance(24 * 60 * 60 * 1000 + 1_000);
      await service.worker.runDue();
      expect((await service.sessions.getStreamingSession(gone, ARTIST)).isErr()).toBe(true);
      const rest = await listAll(service, { studioId: STUDIO_ID }, ARTIST);
      const second = pageOf(
        await service.sessions.listStreamingSessions(
          { studioId: STUDIO_ID, nextToken: first.nextToken! },
          ARTIST,
        ),
      );
      expect(ids(second.sessions)).toEqual(ids(created.slice(2, 4)));
      expect(rest.sessions.map((s) => s.sessionId)).not.toContain(gone.sessionId);
    });

    it('filters by createdBy, ownedBy and sessionIds, exactly', async () => {
      const service = await factory({});
      const mine = await create(service, ARTIST);
      const forMe = await create(service, ADMIN, { ownedBy: ARTIST.principalId });
      const theirs = await create(service, ARTIST_2);
      const adminOwn = await create(service, ADMIN);
      const list = async (input: Omit<ListStreamingSessionsInput, 'studioId'>) =>
        ids(
          pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID, ...input }, ADMIN))
            .sessions,
        );
      expect(await list({ createdBy: ADMIN.principalId })).toEqual(ids([forMe, adminOwn]));
      expect(await list({ ownedBy: ARTIST.principalId })).toEqual(ids([mine, forMe]));
      expect(await list({ ownedBy: ARTIST.principalId, createdBy: ARTIST.principalId })).toEqual(ids([mine]));
      expect(await list({ createdBy: ARTIST.principalId.toUpperCase() })).toEqual([]);
      expect(await list({ createdBy: ARTIST.principalId.slice(0, 10) })).toEqual([]);
      // Spaces, empty entries, repeats and unknown ids are harmless.
      const sessionIds = ` ${theirs.sessionId} ,,${mine.sessionId},${mine.sessionId}, nope ,`;
      expect(await list({ sessionIds })).toEqual(ids([mine, theirs]));
      expect(await list({ sessionIds: theirs.sessionId, ownedBy: ARTIST.principalId })).toEqual([]);
      // A filter naming no session selects none, rather than everything.
      expect(await list({ sessionIds: ' , ' })).toEqual([]);
    });

    it('accepts up to 100 session ids and refuses more with ValidationException', async () => {
      const service = await factory({});
      const session = await create(service, ARTIST);
      const many = (n: number) => [session.sessionId, ...Array.from({ length: n - 1 }, (_, i) => `id-${i}`)];
      const hundred = pageOf(
        await service.sessions.listStreamingSessions(
          { studioId: STUDIO_ID, sessionIds: many(100).join(',') },
          ARTIST,
        ),
      );
      expect(ids(hundred.sessions)).toEqual([session.sessionId]);
      expect(
        listErrorOf(
          await service.sessions.listStreamingSessions(
            { studioId: STUDIO_ID, sessionIds: many(101).join(',') },
            ARTIST,
          ),
        ),
      ).toMatchObject({
        type: 'ValidationException',
        code: 'TOO_MANY_SESSION_IDS',
        context: { count: '101' },
      });
    });

    it('shows a studio user only the sessions they created or own; administrators and IAM see all', async () => {
      const service = await factory({});
      const mine = await create(service, ARTIST);
      const forMe = await create(service, ADMIN, { ownedBy: ARTIST.principalId });
      const theirs = await create(service, ARTIST_2);
      const byPipeline = await create(service, PIPELINE, { ownedBy: ARTIST_2.principalId });
      const all = ids([mine, forMe, theirs, byPipeline]);
      const list = async (caller: Caller, input: Omit<ListStreamingSessionsInput, 'studioId'> = {}) =>
        ids(
          pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID, ...input }, caller))
            .sessions,
        );
      expect(await list(ARTIST)).toEqual(ids([mine, forMe]));
      expect(await list(ARTIST_2)).toEqual(ids([theirs, byPipeline]));
      expect(await list(OUTSIDER)).toEqual([]);
      expect(await list(ADMIN)).toEqual(all);
      expect(await list(PIPELINE)).toEqual(all);
      // Filters narrow what the caller may see; they never widen it.
      expect(await list(ARTIST, { ownedBy: ARTIST_2.principalId })).toEqual([]);
      expect(await list(ARTIST, { sessionIds: all.join(',') })).toEqual(ids([mine, forMe]));
      expect(await list(ARTIST, { createdBy: ADMIN.principalId })).toEqual(ids([forMe]));
    });

    it('pages through every session exactly once, the last page without a token', async () => {
      const service = await factory({ listPageSize: 3 });
      const created: StreamingSessionView[] = [];
      for (let i = 0; i < 10; i++) {
        // Pairs share a millisecond, so pages break inside a tie as well as between times.
        created.push(
          await create(service, i % 3 === 0 ? ADMIN : ARTIST, { ownedBy: ARTIST.principalId }, i % 2 === 1),
        );
      }
      const { sessions, pages } = await listAll(service, { studioId: STUDIO_ID }, ARTIST);
      expect(pages).toBe(4);
      expect(new Set(ids(sessions)).size).toBe(10);
      expect(ids(sessions).sort()).toEqual(ids(created).sort());
      // Exactly a page's worth: no empty page follows.
      const nine = await listAll(
        service,
        { studioId: STUDIO_ID, sessionIds: ids(created.slice(1)).join(',') },
        ADMIN,
      );
      expect(nine.pages).toBe(3);
    });

    it('stays correct while sessions are created between pages', async () => {
      const service = await factory({ listPageSize: 4 });
      const before: StreamingSessionView[] = [];
      for (let i = 0; i < 9; i++) before.push(await create(service, ARTIST));
      const during: StreamingSessionView[] = [];
      const { sessions } = await listAll(service, { studioId: STUDIO_ID }, ARTIST, async (page) => {
        if (page >= 3) return;
        during.push(await create(service, ARTIST), await create(service, ARTIST_2));
      });
      const listed = ids(sessions);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.slice(0, 9).sort()).toEqual(ids(before).sort());
      // The artist's own new sessions are newer than any position already passed: all of them follow.
      expect(listed.slice(9)).toEqual(ids(during.filter((s) => s.createdBy === ARTIST.principalId)));
    });

    it('refuses a garbage, altered or foreign nextToken with ValidationException INVALID_NEXT_TOKEN', async () => {
      const service = await factory({ listPageSize: 2 });
      for (let i = 0; i < 5; i++) await create(service, ARTIST);
      const first = pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID }, ARTIST));
      const token = first.nextToken!;
      const list = async (input: ListStreamingSessionsInput, caller: Caller = ARTIST) =>
        listErrorOf(await service.sessions.listStreamingSessions(input, caller));
      const reason = (error: ApiError) => [error.type, error.code, error.context.reason];
      for (const garbage of [
        'x',
        'not a token!',
        'e30',
        Buffer.from('[1]').toString('base64url'),
        token.slice(0, -3),
      ]) {
        expect(reason(await list({ studioId: STUDIO_ID, nextToken: garbage }))).toEqual([
          'ValidationException',
          'INVALID_NEXT_TOKEN',
          'MALFORMED',
        ]);
      }
      const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { at: number };
      const altered = Buffer.from(JSON.stringify({ ...body, at: body.at - 1 })).toString('base64url');
      expect(reason(await list({ studioId: STUDIO_ID, nextToken: altered }))).toEqual([
        'ValidationException',
        'INVALID_NEXT_TOKEN',
        'ALTERED',
      ]);
      for (const other of [
        { studioId: STUDIO_ID, createdBy: ARTIST.principalId },
        { studioId: STUDIO_ID, sessionIds: 'a,b' },
        { studioId: OTHER_STUDIO_ID },
      ]) {
        expect(reason(await list({ ...other, nextToken: token }))).toEqual([
          'ValidationException',
          'INVALID_NEXT_TOKEN',
          'OTHER_QUERY',
        ]);
      }
      // The same filters in another order or spacing are the same query.
      const filtered = pageOf(
        await service.sessions.listStreamingSessions({ studioId: STUDIO_ID, sessionIds: 'b, a' }, ADMIN),
      );
      expect(filtered.sessions).toEqual([]);
      // An empty token is the first page; a good token still works after all this.
      expect(
        pageOf(await service.sessions.listStreamingSessions({ studioId: STUDIO_ID, nextToken: '' }, ARTIST)),
      ).toEqual(first);
      const second = pageOf(
        await service.sessions.listStreamingSessions({ studioId: STUDIO_ID, nextToken: token }, ARTIST),
      );
      expect(second.sessions).toHaveLength(2);
    });

    it('answers an unknown studio with ResourceNotFoundException and an empty one with no sessions', async () => {
      const service = await factory({});
      await create(service, ARTIST);
      expect(
        listErrorOf(await service.sessions.listStreamingSessions({ studioId: 'us-west-2:stid-nope' }, ADMIN)),
      ).toMatchObject({ type: 'ResourceNotFoundException', code: 'STUDIO_NOT_FOUND' });
      expect(
        pageOf(await service.sessions.listStreamingSessions({ studioId: OTHER_STUDIO_ID }, ADMIN)),
      ).toEqual({
        sessions: [],
      });
    });

    it('refuses members that are not strings, and unknown members', async () => {
      const service = await factory({});
      const list = (input: unknown) =>
        service.sessions.listStreamingSessions(input as ListStreamingSessionsInput, ARTIST);
      for (const input of [
        { studioId: STUDIO_ID, sessionIds: ['a', 'b'] },
        { studioId: STUDIO_ID, createdBy: 7 },
        { studioId: STUDIO_ID, maxResults: 5 },
        { studioId: '' },
        { studioId: STUDIO_ID, nextToken: 'x'.repeat(1025) },
      ]) {
        expect(listErrorOf(await list(input))).toMatchObject({
          type: 'ValidationException',
          code: 'INVALID_PARAMETER',
        });
      }
      // Null members are absent, as the SDKs send them.
      expect(pageOf(await list({ studioId: STUDIO_ID, nextToken: null, createdBy: null }))).toEqual({
        sessions: [],
      });
    });
  });
}

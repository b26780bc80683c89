// The complete example of docs/embedding.md. The document shows this file region by region, and a test
// runs it and checks that the document and this file say the same thing.
// Run it with: npx tsx docs/examples/embedding.ts

// #region setup
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Container } from 'inversify';
import {
  consoleLogger,
  coreModule,
  createStreamingSessions,
  environmentModule,
  InMemoryCatalog,
  InMemoryDatabase,
  inMemoryStorage,
  parseSeed,
  RandomIdGenerator,
  resolveServiceConfig,
  SimulatedProvisioner,
  StreamingSessions,
  SystemClock,
  TOKENS,
  type ApiError,
  type Caller,
  type Seed,
  type StreamingSessionView,
} from 'nimble-streaming-sessions';
import { embeddedPostgres } from 'nimble-streaming-sessions/postgres';

/**
 * The demo catalog shipped with the package: one studio, two launch profiles, an admin and an artist.
 * createStreamingSessions validates it, and throws on an invalid one, naming the field.
 */
export async function loadSeed(): Promise<Seed> {
  return JSON.parse(await readFile(new URL('../../seeds/demo.json', import.meta.url), 'utf8')) as Seed;
}

const studioId = 'us-west-2:stid-demo1234abcd5678';
/** Callers are whoever your backend authenticated: a portal (studio) user, or a plain IAM principal. */
export const artist: Caller = {
  principalId: '92677b4b19-0a0a0a0a-0000-4000-8000-0000000a0001',
  kind: 'STUDIO_USER',
};
export const admin: Caller = {
  principalId: '92677b4b19-0a0a0a0a-0000-4000-8000-00000000ad01',
  kind: 'STUDIO_USER',
};
// #endregion setup

// #region create
/** Polls GetStreamingSession, as the SDK's waiter would, until the session leaves CREATE_IN_PROGRESS. */
export async function waitUntilSettled(
  sessions: StreamingSessions,
  sessionId: string,
): Promise<StreamingSessionView> {
  for (;;) {
    const got = await sessions.getStreamingSession({ studioId, sessionId }, artist);
    if (got.isErr()) throw new Error(`${got.error.type} (${got.error.code}): ${got.error.message}`);
    if (got.value.state !== 'CREATE_IN_PROGRESS') return got.value;
    await sleep(50);
  }
}

export async function createAndWait(seed: Seed): Promise<StreamingSessionView> {
  const sessions = await createStreamingSessions({ catalog: seed });
  try {
    const input = { studioId, launchProfileId: 'LpArtistWorkstation001', clientToken: 'artist-monday-1' };
    const created = await sessions.createStreamingSession(input, artist);
    if (created.isErr()) throw new Error(`${created.error.type}: ${created.error.message}`);
    console.log(created.value.sessionId, created.value.state); // … CREATE_IN_PROGRESS

    // A retry with the same client token (after a timeout, say) gets the same session, in its current state.
    const retried = await sessions.createStreamingSession(input, artist);
    console.log(retried.map((s) => s.sessionId === created.value.sessionId).unwrapOr(false)); // true

    const ready = await waitUntilSettled(sessions, created.value.sessionId);
    console.log(ready.state, ready.statusCode); // READY STREAMING_SESSION_READY

    // The container is yours too: here, the global log straight from the event store, and the session's
    // events in it (the studio's quota ledger, a stream of its own, recorded the slot it took).
    const log = await sessions.container.get(TOKENS.EventStore).readAll(0, 100);
    const history = log.filter((e) => e.streamId.includes(created.value.sessionId));
    console.log(history.map((e) => e.type)); // SessionRequested, InstanceAllocated, SessionReady
    return ready;
  } finally {
    await sessions.close();
  }
}
// #endregion create

// #region lifecycle
/** Polls until the session is in `state` (or failed), as the SDK's Stopped and Deleted waiters do. */
async function waitFor(sessions: StreamingSessions, sessionId: string, state: string): Promise<void> {
  for (;;) {
    const got = (await sessions.getStreamingSession({ studioId, sessionId }, artist))._unsafeUnwrap();
    if (got.state === state || got.state.endsWith('_FAILED')) return;
    await sleep(20);
  }
}

/** Stop overnight, start in the morning, delete when done: each answers at once, a job does the work. */
export async function stopStartDelete(seed: Seed): Promise<StreamingSessionView> {
  const sessions = await createStreamingSessions({ catalog: seed });
  try {
    const created = (
      await sessions.createStreamingSession({ studioId, launchProfileId: 'LpArtistWorkstation001' }, artist)
    )._unsafeUnwrap();
    const at = { studioId, sessionId: created.sessionId };
    await waitUntilSettled(sessions, created.sessionId);

    const stopping = await sessions.stopStreamingSession({ ...at, volumeRetentionMode: 'RETAIN' }, artist);
    console.log(stopping.map((s) => s.state).unwrapOr('?')); // STOP_IN_PROGRESS
    await waitFor(sessions, created.sessionId, 'STOPPED');

    const starting = await sessions.startStreamingSession(at, artist);
    console.log(starting.map((s) => s.state).unwrapOr('?')); // START_IN_PROGRESS
    await waitFor(sessions, created.sessionId, 'READY');

    // Deleting gives the quota slot back once the session is DELETED; it stays readable for a day.
    const deleting = await sessions.deleteStreamingSession({ ...at, clientToken: 'cleanup-1' }, artist);
    console.log(deleting.map((s) => s.state).unwrapOr('?')); // DELETE_IN_PROGRESS
    await waitFor(sessions, created.sessionId, 'DELETED');

    const page = await sessions.listStreamingSessions({ studioId }, artist);
    const listed = page._unsafeUnwrap().sessions.find((s) => s.sessionId === created.sessionId);
    if (listed === undefined) throw new Error('A DELETED session stays listable for its retention');
    console.log(listed.state, listed.statusCode); // DELETED STREAMING_SESSION_DELETED
    return listed;
  } finally {
    await sessions.close();
  }
}
// #endregion lifecycle

// #region errors
/** Every error is data: `type` is the API error name, `code` the specific reason, `context` the details. */
export function explain(error: ApiError): string {
  switch (error.type) {
    case 'ValidationException':
      return `Fix the request (${error.code}${error.context.field === undefined ? '' : ` in ${error.context.field}`})`;
    case 'AccessDeniedException':
      return `Not allowed: ${error.code}`;
    case 'ResourceNotFoundException':
      return `No such ${error.context.resourceType ?? 'resource'}: ${error.context.resourceId ?? '?'}`;
    case 'ConflictException':
      return `Try again later: ${error.message}`;
    case 'ServiceQuotaExceededException':
      return `Quota "${error.context.quotaName ?? '?'}" is full (${error.context.current ?? '?'}/${error.context.limit ?? '?'})`;
    case 'ThrottlingException':
    case 'InternalServerErrorException':
      return `Retry with the same client token: ${error.message}`;
  }
}

export async function handleErrors(seed: Seed): Promise<string[]> {
  const sessions = await createStreamingSessions({ catalog: seed, startProvisioning: false });
  try {
    const attempts = [
      { studioId, launchProfileId: 'LpArtistWorkstation001', ec2InstanceType: 'g5.xlarge' }, // G5 quota is 0
      { studioId, launchProfileId: 'LpDoesNotExist' }, // the artist is a member of no such profile
      { studioId, launchProfileId: 'LpArtistWorkstation001', ec2InstanceType: 'g4dn.16xlarge' },
    ];
    const outcomes: string[] = [];
    for (const input of attempts) {
      const result = await sessions.createStreamingSession(input, artist);
      outcomes.push(result.match((session) => `created ${session.sessionId}`, explain));
    }
    return outcomes;
  } finally {
    await sessions.close();
  }
}
// #endregion errors

// #region failures
/** Failure injection: the simulated provisioner fails this instance type the way EC2 might. */
export async function provisioningFailure(seed: Seed): Promise<StreamingSessionView> {
  const clock = new SystemClock();
  const provisioner = new SimulatedProvisioner(clock, {
    bootTimeMs: 100,
    failBootInstanceTypes: { 'g4dn.4xlarge': 'INSUFFICIENT_CAPACITY' },
  });
  const sessions = await createStreamingSessions({ catalog: seed, clock, provisioner });
  try {
    const created = await sessions.createStreamingSession(
      { studioId, launchProfileId: 'LpRenderNode000000001' },
      artist,
    );
    if (created.isErr()) throw new Error(explain(created.error));
    const settled = await waitUntilSettled(sessions, created.value.sessionId);
    console.log(settled.state, settled.statusCode); // CREATE_FAILED INSUFFICIENT_CAPACITY
    return settled;
  } finally {
    await sessions.close();
  }
}
// #endregion failures

// #region storage
/**
 * Storage is one option. Two instances over one storage behave like two processes over one database:
 * what one creates, the other reads. A PostgreSQL storage adapter plugs in the same way.
 */
export async function sharedStorage(seed: Seed): Promise<StreamingSessionView> {
  const database = new InMemoryDatabase();
  const front = await createStreamingSessions({ catalog: seed, storage: inMemoryStorage(database) });
  const back = await createStreamingSessions({ catalog: seed, storage: inMemoryStorage(database) });
  try {
    const created = await front.createStreamingSession(
      { studioId, launchProfileId: 'LpArtistWorkstation001', ownedBy: artist.principalId },
      admin,
    );
    if (created.isErr()) throw new Error(explain(created.error));
    const seen = await back.getStreamingSession({ studioId, sessionId: created.value.sessionId }, artist);
    if (seen.isErr()) throw new Error(explain(seen.error));
    return seen.value;
  } finally {
    await Promise.all([front.close(), back.close()]);
  }
}
// #endregion storage

// #region durable
/**
 * Durable without a database server: the PostgreSQL adapter on embedded PostgreSQL (PGlite, an optional
 * peer: `npm install @electric-sql/pglite`), persisted to a directory that one process holds at a time.
 * Close it, open the directory again: the session, its client token and its quota slot are still there.
 */
export async function durableStorage(seed: Seed, dataDir: string): Promise<StreamingSessionView> {
  const request = { studioId, launchProfileId: 'LpArtistWorkstation001', clientToken: 'durable-1' };
  const before = await createStreamingSessions({ catalog: seed, storage: embeddedPostgres({ dataDir }) });
  const created = await before.createStreamingSession(request, artist);
  await before.close();
  if (created.isErr()) throw new Error(explain(created.error));

  const after = await createStreamingSessions({ catalog: seed, storage: embeddedPostgres({ dataDir }) });
  try {
    const replayed = await after.createStreamingSession(request, artist); // the same session, not a new one
    if (replayed.isErr()) throw new Error(explain(replayed.error));
    console.log(replayed.value.sessionId === created.value.sessionId); // true
    return replayed.value;
  } finally {
    await after.close();
  }
}
// #endregion durable

// #region container
/**
 * Your own composition: the modules the one-call API loads, with your choices in them (and any binding of
 * your own beside them), behind the same facade.
 */
export async function ownContainer(seedDocument: unknown): Promise<StreamingSessionView> {
  const seed = parseSeed(seedDocument);
  if (seed.isErr()) throw new Error(`Invalid seed: ${seed.error.message}`);
  const clock = new SystemClock();
  const storage = inMemoryStorage();
  const container = new Container();
  container.load(
    coreModule(
      resolveServiceConfig({ clientTokenTtlMs: 60 * 60 * 1000, provisioning: { pollIntervalMs: 200 } }),
    ),
    environmentModule({
      catalog: new InMemoryCatalog(seed.value),
      provisioner: new SimulatedProvisioner(clock, { bootTimeMs: 100 }),
      clock,
      ids: new RandomIdGenerator(),
      logger: consoleLogger('warn'),
    }),
    storage.module,
  );
  await storage.open?.(); // what createStreamingSessions does too: PostgreSQL storage starts listening here
  const sessions = new StreamingSessions(container, storage);
  sessions.startProvisioning();
  try {
    const created = await sessions.createStreamingSession(
      { studioId, launchProfileId: 'LpRenderNode000000001' },
      artist,
    );
    if (created.isErr()) throw new Error(explain(created.error));
    return await waitUntilSettled(sessions, created.value.sessionId);
  } finally {
    await sessions.close(); // stops the worker, then releases the storage
  }
}
// #endregion container

// #region main
export async function main(): Promise<void> {
  const seed = await loadSeed();
  await createAndWait(seed);
  await stopStartDelete(seed);
  console.log(await handleErrors(seed));
  await provisioningFailure(seed);
  console.log((await sharedStorage(seed)).ownedBy);
  console.log((await ownContainer(seed)).state);
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href)
  await main();
// #endregion main

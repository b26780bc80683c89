/**
 * An upgrade from the previous release (schema version 4): what it leaves in a schema, written by its own
 * commit function from the units the application builds, and what the new release must find there. The
 * same scenario runs on a PostgreSQL server and on an embedded data directory.
 */
import { expect } from 'vitest';
import { TOKENS, type CreateStreamingSessionInput } from 'nimble-streaming-sessions';
import type { EventStore, StoredEvent, UnitOfWork } from '../../src/application/ports/event-store.js';
import type { JobKey } from '../../src/application/ports/jobs.js';
import { ledgerStreamId } from '../../src/application/streams.js';
import { InMemoryDatabase } from '../../src/adapters/in-memory/database.js';
import type { EventStoreContractSubject } from '../../src/testing/contract/fixtures.js';
import {
  ADMIN,
  ARTIST,
  LP,
  LP_STOPPABLE,
  STUDIO_ID,
  testService,
  wrappedStorage,
  type TestService,
} from '../application/fixtures.js';
import { sessionOf } from '../application/results.js';
import { previousCommit } from './previous-release.js';

type Query = (sql: string, values: unknown[]) => Promise<{ rows: { versions: number[] }[] }>;

/** What the previous release left, as the reference (in-memory) store holds the same commits. */
export interface PreviousRelease {
  readonly booting: string;
  readonly ready: string;
  readonly deleted: string;
  /** The time of the last commit. */
  readonly now: number;
  /** When the lease of the boot a worker of the previous release had in hand ends. */
  readonly leaseUntil: number;
  readonly reference: InMemoryDatabase;
  readonly referenceService: TestService;
}

const LEASE_MS = 60_000;

/**
 * Runs the previous release's traffic (creates with client tokens, provisioning, a Delete with a token,
 * the client-token sweep) on the reference store, and commits each unit, as it was committed, to a schema
 * at version 4 through that version's commit function. Then a worker of the previous release claims the
 * boot still in progress, as the upgrade interrupts it.
 */
export async function writePreviousRelease(query: Query, schema: string): Promise<PreviousRelease> {
  const reference = new InMemoryDatabase();
  const units: { unit: UnitOfWork; now: number }[] = [];
  const recording = (store: EventStore): EventStore => ({
    read: (id) => store.read(id),
    readSnapshot: (id) => store.readSnapshot(id),
    readAll: (after, limit) => store.readAll(after, limit),
    findClientToken: (key, now) => store.findClientToken(key, now),
    expireClientTokens: (now, limit) => store.expireClientTokens(now, limit),
    commit: async (unit, now) => {
      const result = await store.commit(unit, now);
      if (result.isOk()) units.push({ unit, now });
      return result;
    },
  });
  const service = await testService({
    storage: wrappedStorage(reference, { store: recording }),
    provisioner: { bootTimeMs: 120_000 },
  });
  const create = async (input: CreateStreamingSessionInput, clientToken: string) =>
    sessionOf(await service.sessions.createStreamingSession({ ...input, clientToken }, ARTIST)).sessionId;

  const ready = await create({ studioId: STUDIO_ID, launchProfileId: LP_STOPPABLE }, 'token-ready');
  const deleted = await create({ studioId: STUDIO_ID, launchProfileId: LP }, 'token-deleted');
  await service.provisionAll();
  sessionOf(
    await service.sessions.deleteStreamingSession(
      { studioId: STUDIO_ID, sessionId: deleted, clientToken: 'token-delete' },
      ADMIN,
    ),
  );
  await service.worker.runDue();
  const booting = await create({ studioId: STUDIO_ID, launchProfileId: LP }, 'token-booting');
  // One step: the instance is allocated and boots; the job waits for it, held by nobody.
  await service.worker.runDue();

  for (const { unit, now } of units) {
    const committed = await previousCommit(query, schema, unit, now);
    if (committed.isErr()) throw new Error(`The previous release's commit failed: ${committed.error.type}`);
  }
  const now = service.clock.now();
  // Its workers' standing job, created as they started (its queue's statement, not a commit).
  await query(
    `insert into "${schema}".jobs (studio_id, session_id, kind, due_at)
     values ('', '', 'expire-client-tokens', $1::float8)
     on conflict (studio_id, session_id, kind) do nothing`,
    [now + 3_600_000],
  );
  // The previous release's claim (its jobs table has session_id and no entity kind).
  await query(
    `update "${schema}".jobs set owner = 'worker-previous', due_at = $2::float8, attempts = 1
     where studio_id = $1 and session_id = $3 and kind = 'provision'`,
    [STUDIO_ID, now + LEASE_MS, booting],
  );
  return { booting, ready, deleted, now, leaseUntil: now + LEASE_MS, reference, referenceService: service };
}

const keyOf = (job: JobKey) => JSON.stringify([job.studioId, job.entity.kind, job.entity.id, job.kind]);
const logOf = (events: readonly StoredEvent[]) =>
  events.map(({ recordedAt: _recordedAt, ...e }) => ({ ...e, recordedAt: _recordedAt.getTime() }));

/**
 * What the new release must find in the upgraded schema: every session's view, every client token with
 * its session, the ledger and the log as they were, and every job, with its kind and entity, claimable
 * when it was (the boot in flight once the previous worker's lease has ended).
 */
export async function expectUpgraded(
  subject: Pick<EventStoreContractSubject, 'store' | 'views' | 'queue'>,
  previous: PreviousRelease,
): Promise<void> {
  const { reference, now } = previous;
  const referenceService = previous.referenceService.sessions.container;
  const referenceViews = referenceService.get(TOKENS.SessionViews);
  const referenceStore = referenceService.get(TOKENS.EventStore);
  const referenceQueue = referenceService.get(TOKENS.JobQueue);

  const states: Record<string, string | undefined> = {};
  for (const id of [previous.booting, previous.ready, previous.deleted]) {
    const row = await subject.views.get(STUDIO_ID, id);
    expect(row).toEqual(await referenceViews.get(STUDIO_ID, id));
    states[id] = row?.session.state;
  }
  expect(states).toEqual({
    [previous.booting]: 'CREATE_IN_PROGRESS',
    [previous.ready]: 'READY',
    [previous.deleted]: 'DELETED',
  });
  expect(await subject.views.list(STUDIO_ID, { limit: 100 })).toEqual(
    await referenceViews.list(STUDIO_ID, { limit: 100 }),
  );

  const tokens = [...reference.tokens.values()];
  expect(tokens.map((t) => t.clientToken).sort()).toEqual([
    'token-booting',
    'token-delete',
    'token-deleted',
    'token-ready',
  ]);
  for (const record of tokens) {
    expect(await subject.store.findClientToken(record, now)).toEqual(record);
    expect(record.entity.kind).toBe('session');
  }

  const ledger = ledgerStreamId(STUDIO_ID);
  expect(logOf((await subject.store.read(ledger)).events)).toEqual(
    logOf((await referenceStore.read(ledger)).events),
  );
  expect(await subject.store.readSnapshot(ledger)).toEqual(await referenceStore.readSnapshot(ledger));
  expect(logOf(await subject.store.readAll(0, 10_000))).toEqual(
    logOf(await referenceStore.readAll(0, 10_000)),
  );

  // Every job, with its kind and entity; the boot in flight only once the previous worker's lease ends.
  const bootJob = keyOf({
    studioId: STUDIO_ID,
    entity: { kind: 'session', id: previous.booting },
    kind: 'provision',
  });
  const early = await subject.queue.claim('worker-new', 100, 1_000, previous.leaseUntil - 1);
  expect(early.map(keyOf)).not.toContain(bootJob);
  const later = Date.UTC(2030, 0, 1);
  const claimed = await subject.queue.claim('worker-new', 100, 1_000, later);
  const expected = await referenceQueue.claim('worker-reference', 100, 1_000, later);
  expect([...early, ...claimed].map(keyOf).sort()).toEqual(expected.map(keyOf).sort());
  expect(claimed.find((j) => keyOf(j) === bootJob)?.attempts).toBe(2);
  expect(expected.map((j) => `${j.entity.id === '' ? '(sweep)' : j.entity.id}:${j.kind}`).sort()).toEqual(
    [
      '(sweep):expire-client-tokens',
      `${previous.booting}:provision`,
      `${previous.deleted}:purge`,
      `${previous.ready}:auto-stop`,
    ].sort(),
  );
}

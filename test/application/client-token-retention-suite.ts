/**
 * Client-token retention through the service, on whatever storage the caller assembles (in memory,
 * embedded PostgreSQL, a PostgreSQL server): records are kept `clientTokenTtlMs` after the first
 * success and then removed by the sweep job, in bounded batches, and a repeat after that is a new
 * request. Time is a virtual clock; the caller counts the records in its own storage.
 */
import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_SWEEP_JOB } from '../../src/application/jobs/client-token-sweep.js';
import { defaultServiceConfig } from '../../src/application/config.js';
import {
  TOKENS,
  type CreateStreamingSessionInput,
  type DeepPartial,
  type ServiceConfig,
  type StorageAdapter,
} from 'nimble-streaming-sessions';
import type { EventStore } from '../../src/application/ports/event-store.js';
import { ARTIST, LP, LP_STOPPABLE, STUDIO_ID, T0, type TestService } from './fixtures.js';
import { sessionOf } from './results.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RETENTION = defaultServiceConfig.clientTokenTtlMs;
const INTERVAL = defaultServiceConfig.clientTokenSweepIntervalMs;
/** A small batch, so that a handful of tokens takes several steps of the sweep. */
const BATCH = 4;

/** One call of `expireClientTokens`, as the sweep made it. */
export interface SweepCall {
  readonly now: number;
  readonly limit: number;
  readonly removed: number;
}

/** What a test of the suite runs against. */
export interface RetentionSubject {
  readonly service: TestService;
  /** How many client-token records the storage holds, expired or not. */
  countTokens(): Promise<number>;
  /** Every call of `expireClientTokens` so far, in order. */
  readonly sweeps: readonly SweepCall[];
}

/**
 * Builds a service over the storage under test with these settings. `spy` wraps the storage so that
 * the sweep's calls are recorded; the factory passes its storage through it.
 */
export type RetentionFactory = (options: {
  readonly config: DeepPartial<ServiceConfig>;
  readonly spy: (storage: StorageAdapter) => StorageAdapter;
}) => Promise<Omit<RetentionSubject, 'sweeps'>>;

/** The storage, its event store recording each `expireClientTokens` call. */
function spied(inner: StorageAdapter, sweeps: SweepCall[]): StorageAdapter {
  const parts = new Container();
  parts.load(inner.module);
  const store = parts.get(TOKENS.EventStore);
  const recording: EventStore = {
    read: (id) => store.read(id),
    readSnapshot: (id) => store.readSnapshot(id),
    readAll: (after, limit) => store.readAll(after, limit),
    findClientToken: (key, now) => store.findClientToken(key, now),
    commit: (unit, now) => store.commit(unit, now),
    expireClientTokens: async (now, limit) => {
      const removed = await store.expireClientTokens(now, limit);
      sweeps.push({ now, limit, removed });
      return removed;
    },
  };
  return {
    name: `${inner.name} (sweeps recorded)`,
    module: new ContainerModule(({ bind }) => {
      bind(TOKENS.EventStore).toConstantValue(recording);
      bind(TOKENS.SessionViews).toConstantValue(parts.get(TOKENS.SessionViews));
      bind(TOKENS.JobQueue).toConstantValue(parts.get(TOKENS.JobQueue));
    }),
    ...(inner.open === undefined ? {} : { open: () => inner.open!() }),
    close: () => inner.close(),
  };
}

export function clientTokenRetentionSuite(name: string, factory: RetentionFactory): void {
  const plain: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP };
  const stoppable: CreateStreamingSessionInput = { studioId: STUDIO_ID, launchProfileId: LP_STOPPABLE };

  async function subject(config: DeepPartial<ServiceConfig> = {}): Promise<RetentionSubject> {
    const sweeps: SweepCall[] = [];
    const built = await factory({
      config: { clientTokenSweepBatchSize: BATCH, ...config },
      spy: (storage) => spied(storage, sweeps),
    });
    return { ...built, sweeps };
  }
  const create = async (s: RetentionSubject, clientToken: string, input = plain) =>
    sessionOf(await s.service.sessions.createStreamingSession({ ...input, clientToken }, ARTIST)).sessionId;
  const sweepsSince = (s: RetentionSubject, index: number) => s.sweeps.slice(index).map((c) => c.removed);

  describe(`client-token retention (${name})`, () => {
    it('removes the expired records in bounded batches once the retention has passed, keeping the others', async () => {
      const s = await subject();
      const early = 3 * BATCH + 2;
      const earlyIds: string[] = [];
      for (let i = 0; i < early; i++) earlyIds.push(await create(s, `early-${i}`));
      // The worker starts: the sweep job exists from now on, first due an interval later.
      await s.service.worker.runDue();
      expect(await s.countTokens()).toBe(early);

      s.service.clock.set(T0 + 12 * HOUR);
      const lateIds: string[] = [];
      for (let i = 0; i < 3; i++) lateIds.push(await create(s, `late-${i}`));
      await s.service.worker.runDue();
      // Hourly looks found nothing expired yet; every record is kept.
      expect(s.sweeps.length).toBeGreaterThan(0);
      expect(s.sweeps.every((c) => c.removed === 0 && c.limit === BATCH)).toBe(true);
      expect(await s.countTokens()).toBe(early + 3);

      // Past the early records' retention: batch after batch until one is not full, at the same instant.
      s.service.clock.set(T0 + RETENTION + INTERVAL);
      const before = s.sweeps.length;
      await s.service.worker.runDue();
      expect(sweepsSince(s, before)).toEqual([BATCH, BATCH, BATCH, 2]);
      expect(new Set(s.sweeps.slice(before).map((c) => c.now))).toEqual(new Set([s.service.clock.now()]));
      expect(await s.countTokens()).toBe(3);
      // The unexpired ones still answer with their sessions.
      expect(await create(s, 'late-1')).toBe(lateIds[1]);
      expect(await s.countTokens()).toBe(3);

      s.service.clock.set(T0 + 12 * HOUR + RETENTION + INTERVAL);
      await s.service.worker.runDue();
      expect(await s.countTokens()).toBe(0);
      expect(earlyIds).toHaveLength(early);
    });

    it('answers a repeat after the retention as a new request: a new session, the old record gone', async () => {
      const s = await subject();
      const first = await create(s, 'replayed');
      await s.service.worker.runDue();
      s.service.clock.set(T0 + RETENTION - 1);
      expect(await create(s, 'replayed')).toBe(first);

      s.service.clock.set(T0 + RETENTION + INTERVAL);
      await s.service.worker.runDue();
      expect(await s.countTokens()).toBe(0);
      const second = await create(s, 'replayed');
      expect(second).not.toBe(first);
      expect(await create(s, 'replayed')).toBe(second);
      expect(await s.countTokens()).toBe(1);
      expect((await s.service.rows()).map((r) => r.session.session.sessionId)).toEqual([first, second]);
    });

    it('keeps no permanent record for a Stop or Delete repeated with a fresh token on a session already there', async () => {
      const s = await subject();
      const created = await s.service.sessions.createStreamingSession(stoppable, ARTIST);
      const at = { studioId: STUDIO_ID, sessionId: sessionOf(created).sessionId };
      await s.service.worker.runDue();
      sessionOf(await s.service.sessions.stopStreamingSession(at, ARTIST));
      // Already stopping: answered with the session, changing nothing but the token's record.
      const stopAgain = await s.service.sessions.stopStreamingSession(
        { ...at, clientToken: 'stop-again' },
        ARTIST,
      );
      expect(sessionOf(stopAgain).state).toBe('STOP_IN_PROGRESS');
      await s.service.worker.runDue();
      sessionOf(await s.service.sessions.deleteStreamingSession(at, ARTIST));
      await s.service.worker.runDue();
      const deleteAgain = await s.service.sessions.deleteStreamingSession(
        { ...at, clientToken: 'delete-again' },
        ARTIST,
      );
      expect(sessionOf(deleteAgain).state).toBe('DELETED');
      expect(await s.countTokens()).toBe(2);

      s.service.clock.advance(RETENTION + INTERVAL);
      await s.service.worker.runDue();
      expect(await s.countTokens()).toBe(0);
    });

    it('follows the configured retention', async () => {
      const s = await subject({ clientTokenTtlMs: 10 * MINUTE, clientTokenSweepIntervalMs: MINUTE });
      const first = await create(s, 'short-lived');
      await s.service.worker.runDue();
      s.service.clock.set(T0 + 10 * MINUTE - 1);
      await s.service.worker.runDue();
      expect(await s.countTokens()).toBe(1);
      expect(await create(s, 'short-lived')).toBe(first);
      s.service.clock.set(T0 + 11 * MINUTE);
      await s.service.worker.runDue();
      expect(await s.countTokens()).toBe(0);
      expect(await create(s, 'short-lived')).not.toBe(first);
    });

    it('sweeps on its own schedule however many tokens arrive meanwhile', async () => {
      const s = await subject();
      await s.service.worker.runDue();
      // A token every ten minutes for three hours: no write postpones the sweep.
      for (let minute = 0; minute <= 180; minute += 10) {
        s.service.clock.set(T0 + minute * MINUTE);
        await create(s, `steady-${minute}`);
        await s.service.worker.runDue();
      }
      expect(s.sweeps.map((c) => c.now)).toEqual([T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    });

    it('runs with no session at all, and touches none', async () => {
      const s = await subject();
      expect(await s.service.worker.runDue()).toBe(0);
      const queue = s.service.sessions.container.get(TOKENS.JobQueue);
      expect(await queue.nextDueAt()).toBe(T0 + INTERVAL);
      s.service.clock.set(T0 + INTERVAL);
      expect(await s.service.worker.runDue()).toBe(1);
      expect(s.sweeps).toEqual([{ now: T0 + INTERVAL, limit: BATCH, removed: 0 }]);
      expect(await queue.nextDueAt()).toBe(T0 + 2 * INTERVAL);
      expect(await s.service.rows()).toEqual([]);
      expect(await s.service.worker.stats()).toMatchObject({ succeeded: 1, failed: 0 });
      // It is no session's job: its key names no studio and no session.
      expect(CLIENT_TOKEN_SWEEP_JOB).toEqual({
        studioId: '',
        entity: { kind: 'session', id: '' },
        kind: 'expire-client-tokens',
      });
    });
  });
}

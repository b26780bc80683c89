import { err, ok, type Result } from 'neverthrow';
import { UnknownEntityKindError, type EntityKind } from '../../application/ports/entities.js';
import type {
  ClientTokenKey,
  ClientTokenRecord,
  CommitConflict,
  CommitSuccess,
  EventStore,
  ExpectedVersion,
  ReadStreamResult,
  StoredEvent,
  UnitOfWork,
  ViewWrite,
} from '../../application/ports/event-store.js';
import type { InMemoryDatabase } from './database.js';

/** The view table of one kind of entity: how a commit writes and removes its rows. */
interface ViewTable<K extends EntityKind> {
  write(db: InMemoryDatabase, view: Extract<ViewWrite, { entity: { kind: K } }>): void;
  remove(db: InMemoryDatabase, studioId: string, id: string): void;
}

/** One view table per kind of entity: a kind added to `ENTITY_KINDS` is not complete without one. */
const VIEW_TABLES: { readonly [K in EntityKind]: ViewTable<K> } = {
  session: {
    write: (db, view) => {
      let studio = db.views.get(view.studioId);
      if (studio === undefined) {
        studio = new Map();
        db.views.set(view.studioId, studio);
      }
      studio.set(view.entity.id, { version: view.version, session: view.body });
    },
    remove: (db, studioId, id) => {
      db.views.get(studioId)?.delete(id);
    },
  },
};

/** The view table of a kind, or UnknownEntityKindError for a kind this adapter keeps no view of. */
function viewTable(kind: string): ViewTable<EntityKind> {
  if (!Object.hasOwn(VIEW_TABLES, kind)) throw new UnknownEntityKindError(kind);
  return VIEW_TABLES[kind as EntityKind];
}

function matches(expected: ExpectedVersion, actual: number): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'noStream':
      return actual === 0;
    case 'exact':
      return actual === expected.version;
  }
}

/**
 * The reference event store: every expected-version mode, atomic multi-stream commits, the token index
 * and its expiry.
 */
export class InMemoryEventStore implements EventStore {
  constructor(private readonly db: InMemoryDatabase) {}

  read(streamId: string): Promise<ReadStreamResult> {
    const stream = this.db.streams.get(streamId);
    return Promise.resolve({ version: stream?.events.length ?? 0, events: [...(stream?.events ?? [])] });
  }

  readSnapshot(streamId: string): Promise<{ version: number; snapshot: unknown } | undefined> {
    const stream = this.db.streams.get(streamId);
    if (stream?.snapshot === undefined) return Promise.resolve(undefined);
    return Promise.resolve({ version: stream.events.length, snapshot: stream.snapshot });
  }

  readAll(afterPosition: number, limit: number): Promise<readonly StoredEvent[]> {
    // Positions are 1-based indexes into the log, so the first event after `afterPosition` is at that index.
    return Promise.resolve(this.db.log.slice(Math.max(0, afterPosition), Math.max(0, afterPosition) + limit));
  }

  findClientToken(key: ClientTokenKey, now: number): Promise<ClientTokenRecord | undefined> {
    const record = this.db.tokens.get(key);
    return Promise.resolve(record !== undefined && record.expiresAt > now ? record : undefined);
  }

  expireClientTokens(now: number, limit: number): Promise<number> {
    return Promise.resolve(this.db.tokens.expire(now, Math.max(0, Math.floor(limit))));
  }

  commit(unit: UnitOfWork, now: number): Promise<Result<CommitSuccess, CommitConflict>> {
    try {
      return Promise.resolve(this.commitNow(unit, now));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private commitNow(unit: UnitOfWork, now: number): Result<CommitSuccess, CommitConflict> {
    // Check everything first, write nothing until every check has passed: all or nothing.
    for (const named of [...(unit.views ?? []), ...(unit.purge ?? [])]) viewTable(named.entity.kind);
    for (const append of unit.appends) {
      const actual = this.db.streams.get(append.streamId)?.events.length ?? 0;
      if (!matches(append.expected, actual)) {
        return err({
          type: 'WrongExpectedVersion',
          streamId: append.streamId,
          expected: append.expected,
          actual,
        });
      }
    }
    if (unit.clientToken !== undefined) {
      const t = unit.clientToken;
      const existing = this.db.tokens.get(t);
      if (existing !== undefined && existing.expiresAt > now)
        return err({ type: 'ClientTokenAlreadyUsed', existing });
    }
    const recordedAt = new Date(now);
    const versions: Record<string, number> = {};
    for (const append of unit.appends) {
      let stream = this.db.streams.get(append.streamId);
      if (stream === undefined) {
        stream = { studioId: append.studioId, events: [] };
        this.db.streams.set(append.streamId, stream);
      }
      for (const event of append.events) {
        const stored: StoredEvent = {
          type: event.type,
          version: event.version,
          data: event.data,
          streamId: append.streamId,
          studioId: append.studioId,
          streamVersion: stream.events.length + 1,
          position: this.db.log.length + 1,
          recordedAt,
        };
        stream.events.push(stored);
        this.db.log.push(stored);
      }
      stream.snapshot = append.snapshot;
      versions[append.streamId] = stream.events.length;
    }
    for (const view of unit.views ?? []) viewTable(view.entity.kind).write(this.db, view);
    if (unit.clientToken !== undefined) {
      this.db.tokens.set(unit.clientToken);
    }
    for (const gone of unit.purge ?? [])
      viewTable(gone.entity.kind).remove(this.db, gone.studioId, gone.entity.id);
    for (const job of unit.complete ?? []) this.db.jobs.complete(job);
    for (const job of unit.schedule ?? []) this.db.jobs.schedule(job);
    if ((unit.schedule ?? []).some((job) => job.dueAt <= now)) this.db.notifyWork();
    return ok({ versions });
  }
}

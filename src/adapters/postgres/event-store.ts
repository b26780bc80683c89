import { err, ok, type Result } from 'neverthrow';
import type {
  ClientTokenKey,
  ClientTokenRecord,
  CommitConflict,
  CommitSuccess,
  EventStore,
  ReadStreamResult,
  StoredEvent,
  StreamAppend,
  UnitOfWork,
} from '../../application/ports/event-store.js';
import { UnknownEntityKindError } from '../../application/ports/entities.js';
import type { JobKey } from '../../application/ports/jobs.js';
import {
  readStoredEntityKind,
  readStoredNumber,
  readStoredString,
  type StoredAt,
} from '../../application/stored-shapes.js';
import { decodeJson, decodeText, encodeJson, encodeText } from './codec.js';
import type { PostgresDatabase } from './database.js';

interface EventRow {
  stream_id: string;
  version: string;
  studio_id: string;
  position: string;
  type: string;
  type_version: number;
  data: string;
  recorded_at: Date;
}

const EVENT_COLUMNS =
  'stream_id, version, studio_id, position, type, type_version, data::text as data, recorded_at';

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    type: decodeText(row.type),
    version: row.type_version,
    data: decodeJson(row.data),
    streamId: decodeText(row.stream_id),
    studioId: decodeText(row.studio_id),
    streamVersion: Number(row.version),
    position: Number(row.position),
    recordedAt: row.recorded_at,
  };
}

/** The last entry per key: a unit may name a view or job twice, and the later write wins, as in memory. */
function lastByKey<T>(items: readonly T[] | undefined, key: (item: T) => string): T[] | undefined {
  if (items === undefined || items.length === 0) return undefined;
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

function expectation(append: StreamAppend): { expect: 'noStream' | 'exact' | 'any'; version?: number } {
  const expected = append.expected;
  switch (expected.kind) {
    case 'any':
      return { expect: 'any' };
    case 'noStream':
      return { expect: 'noStream' };
    case 'exact':
      // Version 0 means "no events yet", which is what noStream checks.
      return expected.version === 0 ? { expect: 'noStream' } : { expect: 'exact', version: expected.version };
  }
}

const entityKey = (item: { studioId: string; entity: { kind: string; id: string } }) =>
  JSON.stringify([item.studioId, item.entity.kind, item.entity.id]);
const jobKey = (job: JobKey) => JSON.stringify([job.studioId, job.entity.kind, job.entity.id, job.kind]);
const entity = (ref: { kind: string; id: string }) => ({ kind: ref.kind, id: ref.id });

/** The unit of work as the commit function's one jsonb argument (see migrations/005-entity-keys.ts). */
export function commitArgument(unit: UnitOfWork, now: number): string {
  const events: unknown[] = [];
  const appends = unit.appends.map((append, index) => {
    append.events.forEach((e, k) => {
      events.push({
        append: index + 1,
        following: append.events.length - 1 - k,
        streamId: append.streamId,
        studioId: append.studioId,
        type: e.type,
        version: e.version,
        data: e.data,
      });
    });
    return {
      streamId: append.streamId,
      studioId: append.studioId,
      ...expectation(append),
      eventCount: append.events.length,
      ...(append.snapshot === undefined ? {} : { snapshot: append.snapshot }),
    };
  });
  const token = unit.clientToken;
  return encodeJson({
    now,
    eventCount: events.length,
    appends,
    events,
    views: lastByKey(unit.views, entityKey)?.map((v) => ({
      studioId: v.studioId,
      entity: entity(v.entity),
      version: v.version,
      body: v.body,
    })),
    clientToken:
      token === undefined
        ? undefined
        : {
            studioId: token.studioId,
            operation: token.operation,
            clientToken: token.clientToken,
            fingerprint: token.fingerprint,
            entity: entity(token.entity),
            expiresAt: token.expiresAt,
          },
    schedule: lastByKey(unit.schedule, jobKey)?.map((j) => ({
      studioId: j.studioId,
      entity: entity(j.entity),
      kind: j.kind,
      dueAt: j.dueAt,
    })),
    purge: lastByKey(unit.purge, entityKey)?.map((p) => ({ studioId: p.studioId, entity: entity(p.entity) })),
    complete: lastByKey(unit.complete, jobKey)?.map((j) => ({
      studioId: j.studioId,
      entity: entity(j.entity),
      kind: j.kind,
    })),
  });
}

const tokenKeyOf = (key: ClientTokenKey): string => `${key.studioId}/${key.operation}/${key.clientToken}`;

/** A client-token record as the commit function reports its holder: every member read, none cast. */
function tokenRecordOf(holder: Record<string, unknown>, at: StoredAt): ClientTokenRecord {
  const entity = (holder.entity ?? {}) as Record<string, unknown>;
  return {
    studioId: readStoredString(holder.studioId, at, 'studioId'),
    operation: readStoredString(holder.operation, at, 'operation'),
    clientToken: readStoredString(holder.clientToken, at, 'clientToken'),
    fingerprint: readStoredString(holder.fingerprint, at, 'fingerprint'),
    entity: {
      kind: readStoredEntityKind(entity.kind ?? holder.entityKind, at),
      id: readStoredString(entity.id ?? holder.entityId, at, 'entity id'),
    },
    expiresAt: readStoredNumber(holder.expiresAt, at, 'expiresAt'),
  };
}

/** The commit function's conflict errors, turned back into the port's Result errors. */
function conflictOf(error: unknown, unit: UnitOfWork, schema: string): CommitConflict | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, detail } = error as { code?: unknown; detail?: unknown };
  if (typeof detail !== 'string') return undefined;
  if (code === 'NS001') {
    const conflict = decodeJson(detail) as { i?: unknown; actual?: unknown } | null;
    const at = { table: `${schema}.commit_unit`, key: 'NS001' };
    const i = readStoredNumber(conflict?.i, at, 'the conflicting append');
    const append = unit.appends[i - 1];
    if (append === undefined) return undefined;
    const actual = readStoredNumber(conflict?.actual, at, 'the actual version');
    return { type: 'WrongExpectedVersion', streamId: append.streamId, expected: append.expected, actual };
  }
  if (code === 'NS002') {
    const holder = decodeJson(detail) as Record<string, unknown> | null;
    const token = unit.clientToken;
    const at = { table: `${schema}.client_tokens`, key: token === undefined ? '?' : tokenKeyOf(token) };
    return { type: 'ClientTokenAlreadyUsed', existing: tokenRecordOf(holder ?? {}, at) };
  }
  return undefined;
}

/** A view or purge of an entity kind the schema has no view table for (NS003, detail: the kind). */
function unknownKindOf(error: unknown): UnknownEntityKindError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, detail } = error as { code?: unknown; detail?: unknown };
  return code === 'NS003' ? new UnknownEntityKindError(String(detail)) : undefined;
}

/**
 * The event store on PostgreSQL. A commit is one call of the schema's `commit_unit` function (the
 * dispatcher of migration 5, which calls one function per part of the unit), so the session stream, the
 * ledger, the client token, the view row and the job row of a create are written in one statement and one
 * round trip, every expected-version mode checked in SQL.
 */
export class PostgresEventStore implements EventStore {
  constructor(private readonly db: PostgresDatabase) {}

  async read(streamId: string): Promise<ReadStreamResult> {
    const { rows } = await this.db.query<EventRow>(
      'read-stream',
      `select ${EVENT_COLUMNS} from ${this.db.s}.events where stream_id = $1 order by version`,
      [encodeText(streamId)],
    );
    const events = rows.map(toStoredEvent);
    return { version: events.at(-1)?.streamVersion ?? 0, events };
  }

  async readSnapshot(streamId: string): Promise<{ version: number; snapshot: unknown } | undefined> {
    const { rows } = await this.db.query<{ snapshot_version: string; snapshot: string }>(
      'read-snapshot',
      `select snapshot_version, snapshot::text as snapshot from ${this.db.s}.streams
       where stream_id = $1 and snapshot_version is not null limit 1`,
      [encodeText(streamId)],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const at = { table: `${this.db.schema}.streams`, key: streamId };
    return {
      version: readStoredNumber(row.snapshot_version, at, 'snapshot_version'),
      snapshot: decodeJson(row.snapshot),
    };
  }

  /**
   * A page of the log, returned at once when its positions follow on from `afterPosition` without a
   * hole. A hole below a visible event is a transaction still running or one rolled back; the page is
   * then read behind the log barrier, which waits for the writers in flight, so the reader sees everything
   * committed before it asked and never an event that something running could still precede (see
   * migrations/002-commit-function.ts).
   */
  async readAll(afterPosition: number, limit: number): Promise<readonly StoredEvent[]> {
    if (limit <= 0) return [];
    const after = Math.floor(afterPosition);
    const { rows } = await this.db.query<EventRow>(
      'read-all',
      `select ${EVENT_COLUMNS} from ${this.db.s}.events where position > $1 order by position limit $2`,
      [after, Math.floor(limit)],
    );
    if (rows.every((row, i) => Number(row.position) === after + i + 1)) return rows.map(toStoredEvent);
    const settled = await this.db.query<EventRow>(
      'read-all-settled',
      `select ${EVENT_COLUMNS} from ${this.db.s}.read_log_settled($1, $2)`,
      [after, Math.floor(limit)],
    );
    return settled.rows.map(toStoredEvent);
  }

  async findClientToken(key: ClientTokenKey, now: number): Promise<ClientTokenRecord | undefined> {
    const { rows } = await this.db.query<{
      fingerprint: string;
      entity_kind: string;
      entity_id: string;
      expires_at: number;
    }>(
      'find-client-token',
      `select fingerprint, entity_kind, entity_id, expires_at from ${this.db.s}.client_tokens
       where studio_id = $1 and operation = $2 and client_token = $3 and expires_at > $4`,
      [encodeText(key.studioId), encodeText(key.operation), encodeText(key.clientToken), now],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const at = { table: `${this.db.schema}.client_tokens`, key: tokenKeyOf(key) };
    return {
      studioId: key.studioId,
      operation: key.operation,
      clientToken: key.clientToken,
      fingerprint: decodeText(readStoredString(row.fingerprint, at, 'fingerprint')),
      entity: {
        kind: readStoredEntityKind(decodeText(row.entity_kind), at),
        id: decodeText(readStoredString(row.entity_id, at, 'entity_id')),
      },
      expiresAt: readStoredNumber(row.expires_at, at, 'expires_at'),
    };
  }

  /**
   * One statement over the expiry index (migration 4): the earliest-expiring rows that have expired,
   * locked with SKIP LOCKED so that a commit replacing one of them (or another sweep) is neither waited
   * for nor undone, then deleted.
   */
  async expireClientTokens(now: number, limit: number): Promise<number> {
    const batch = Math.max(0, Math.floor(limit));
    if (batch === 0) return 0;
    const { rowCount } = await this.db.query(
      'expire-client-tokens',
      `delete from ${this.db.s}.client_tokens ct
       using (select studio_id, operation, client_token from ${this.db.s}.client_tokens
              where expires_at <= $1::float8
              order by expires_at
              limit $2
              for update skip locked) x
       where ct.studio_id = x.studio_id and ct.operation = x.operation and ct.client_token = x.client_token`,
      [now, batch],
    );
    return rowCount ?? 0;
  }

  async commit(unit: UnitOfWork, now: number): Promise<Result<CommitSuccess, CommitConflict>> {
    let versions: number[];
    try {
      const { rows } = await this.db.query<{ versions: number[] }>(
        'commit-unit',
        `select ${this.db.s}.commit_unit($1::jsonb) as versions`,
        [commitArgument(unit, now)],
      );
      versions = rows[0]?.versions ?? [];
    } catch (error) {
      const conflict = conflictOf(error, unit, this.db.schema);
      if (conflict === undefined) throw unknownKindOf(error) ?? error;
      return err(conflict);
    }
    const result: Record<string, number> = {};
    unit.appends.forEach((append, i) => {
      result[append.streamId] = versions[i] ?? 0;
    });
    if ((unit.schedule ?? []).some((job) => job.dueAt <= now)) this.db.notifyWork();
    return ok({ versions: result });
  }
}

/**
 * The previous release's side of PostgreSQL storage, for upgrade tests: the argument its commit function
 * (migrations 3 and 4) takes, which names a session where units of work now name an entity, and an event
 * store that commits through it. A schema at version 4 is thus written exactly as that release wrote it:
 * by its own commit function, from the units the application builds.
 */
import { ContainerModule } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import { TOKENS } from 'nimble-streaming-sessions';
import type {
  ClientTokenKey,
  ClientTokenRecord,
  CommitConflict,
  CommitSuccess,
  UnitOfWork,
} from '../../src/application/ports/event-store.js';
import type { StorageAdapter } from '../../src/application/ports/storage.js';
import { decodeJson, encodeJson } from '../../src/adapters/postgres/codec.js';
import type { PostgresDatabase } from '../../src/adapters/postgres/database.js';
import { commitArgument, PostgresEventStore } from '../../src/adapters/postgres/event-store.js';
import { PostgresJobQueue } from '../../src/adapters/postgres/job-queue.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { PostgresSessionViews } from '../../src/adapters/postgres/session-views.js';
import type pg from 'pg';

/** The last schema version the previous release ran on. */
export const PREVIOUS_SCHEMA_VERSION = 4;

interface Named {
  readonly studioId: string;
  readonly entity: { readonly kind: string; readonly id: string };
}

const sessionNamed = <T extends Named>({ entity, ...rest }: T) => {
  if (entity.kind !== 'session') throw new Error(`The previous release knows no ${entity.kind} entities.`);
  return { ...rest, sessionId: entity.id };
};

/** The unit of work as the previous release's commit function takes it. */
export function previousCommitArgument(unit: UnitOfWork, now: number): string {
  const u = decodeJson(commitArgument(unit, now)) as Record<string, unknown>;
  const list = (key: string) => u[key] as readonly (Named & Record<string, unknown>)[] | undefined;
  return encodeJson({
    ...u,
    views: list('views')?.map((v) => {
      const { body, ...named } = sessionNamed(v);
      return { ...named, session: body };
    }),
    clientToken: u.clientToken === undefined ? undefined : sessionNamed(u.clientToken as Named),
    schedule: list('schedule')?.map(sessionNamed),
    complete: list('complete')?.map(sessionNamed),
    purge: list('purge')?.map(sessionNamed),
  });
}

/** The previous release's commit: one call of its commit function, with its argument. */
export async function previousCommit(
  query: (sql: string, values: unknown[]) => Promise<{ rows: { versions: number[] }[] }>,
  schema: string,
  unit: UnitOfWork,
  now: number,
): Promise<Result<CommitSuccess, CommitConflict>> {
  let versions: number[];
  try {
    const { rows } = await query(`select "${schema}".commit_unit($1::jsonb) as versions`, [
      previousCommitArgument(unit, now),
    ]);
    versions = rows[0]?.versions ?? [];
  } catch (error) {
    const { code, detail } = error as { code?: string; detail?: string };
    if (code === 'NS002' && detail !== undefined) {
      const { sessionId, ...held } = decodeJson(detail) as ClientTokenRecord & { sessionId: string };
      return err({
        type: 'ClientTokenAlreadyUsed',
        existing: { ...held, entity: { kind: 'session', id: sessionId } },
      });
    }
    if (code === 'NS001' && detail !== undefined) {
      const { i, actual } = decodeJson(detail) as { i: number; actual: number };
      const append = unit.appends[i - 1];
      if (append !== undefined)
        return err({
          type: 'WrongExpectedVersion',
          streamId: append.streamId,
          expected: append.expected,
          actual,
        });
    }
    throw error;
  }
  return ok({ versions: Object.fromEntries(unit.appends.map((a, i) => [a.streamId, versions[i] ?? 0])) });
}

/** The previous release's event store: its commit and its token lookup; reads are unchanged. */
class PreviousReleaseEventStore extends PostgresEventStore {
  constructor(private readonly database: PostgresDatabase) {
    super(database);
  }

  override commit(unit: UnitOfWork, now: number): Promise<Result<CommitSuccess, CommitConflict>> {
    return previousCommit(
      (sql, values) => this.database.pool.query(sql, values),
      this.database.schema,
      unit,
      now,
    );
  }

  override async findClientToken(key: ClientTokenKey, now: number): Promise<ClientTokenRecord | undefined> {
    const { rows } = await this.database.pool.query<{
      fingerprint: string;
      session_id: string;
      expires_at: number;
    }>(
      `select fingerprint, session_id, expires_at from ${this.database.s}.client_tokens
       where studio_id = $1 and operation = $2 and client_token = $3 and expires_at > $4`,
      [key.studioId, key.operation, key.clientToken, now],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      ...key,
      fingerprint: row.fingerprint,
      entity: { kind: 'session', id: row.session_id },
      expiresAt: row.expires_at,
    };
  }
}

/**
 * Storage as the previous release used a schema at version 4 or earlier: its commit function and token
 * lookup, the same views. It never opens (which checks the version this release needs) and runs no worker.
 */
export function previousReleaseStorage(options: {
  readonly pool: pg.Pool;
  readonly schema: string;
}): StorageAdapter {
  const storage = postgresStorage(options);
  return {
    name: 'previous release',
    module: new ContainerModule(({ bind }) => {
      bind(TOKENS.EventStore).toConstantValue(new PreviousReleaseEventStore(storage.database));
      bind(TOKENS.SessionViews).toConstantValue(new PostgresSessionViews(storage.database));
      bind(TOKENS.JobQueue).toConstantValue(new PostgresJobQueue(storage.database));
    }),
    close: () => storage.close(),
  };
}

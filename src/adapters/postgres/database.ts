import { userInfo } from 'node:os';
import pg from 'pg';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { schemaIdentifier } from './codec.js';
import { DEFAULT_SCHEMA } from './migrate.js';

/**
 * The connection string with the operating-system user filled in when it names none and PGUSER and USER
 * are unset: libpq (psql) does that, but the JavaScript driver would send no user at all.
 */
export function withDefaultUser(connectionString: string): string {
  if (process.env.PGUSER !== undefined || process.env.USER !== undefined) return connectionString;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  if (!/^postgres(ql)?:$/.test(url.protocol) || url.username !== '') return connectionString;
  url.username = userInfo().username;
  return url.toString();
}

/** An error the server reported for one statement (not FATAL): the connection is still good. */
function isServerError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity === 'ERROR';
}

/** Pools whose new connections already get the adapter's one 'error' listener. */
const guardedPools = new WeakSet<Pool>();

const ignoreError = (): void => undefined;

/**
 * A connection that drops while checked out (mid-query, when the database goes away) emits 'error' on its
 * client, which the pool only listens to while the client is idle: unheard, it would crash the process.
 * The query that was running rejects anyway, and a released broken client is discarded. One listener per
 * pool, whatever the number of adapters sharing it (storage, catalog, instance registry, one per schema):
 * one per adapter would give each connection an 'error' listener per adapter ever created on the pool,
 * closed ones included, and a process that opens adapters over a long-lived pool would accumulate them.
 */
function guardClientErrors(pool: Pool): void {
  if (guardedPools.has(pool)) return;
  guardedPools.add(pool);
  pool.on('connect', (client) => {
    client.on('error', ignoreError);
  });
}

/** Where the adapter's tables live and how to reach them. */
export interface PostgresConnectionOptions {
  /** A pool you own; the adapter never ends it. Give this or `connectionString`. */
  readonly pool?: Pool;
  /** A connection string for a pool the adapter creates, and ends on close. */
  readonly connectionString?: string;
  /** Size of the pool the adapter creates from `connectionString` (default 10). */
  readonly poolSize?: number;
  /** The schema that `migrate` created (default `nimble_sessions`). */
  readonly schema?: string;
  /**
   * The shortest gap between two work notifications this process sends (default 10 ms): under load one
   * NOTIFY covers many enqueued jobs, and an idle worker still wakes within a few milliseconds.
   */
  readonly notifyIntervalMs?: number;
  /**
   * Whether workers in other processes are woken through LISTEN/NOTIFY (default true). An embedded
   * database belongs to one process, whose workers are woken in process, so it turns this off.
   */
  readonly crossProcess?: boolean;
}

/**
 * The connection state the adapter's parts share: the pool, the schema, prepared-statement names, and
 * work notifications. Wake-ups go out with NOTIFY on a separate statement after the commit rather than
 * inside it: a notifying transaction holds a database-wide lock through its commit, which would
 * serialize every create. A lost notification (a crash between the two) costs a worker one polling
 * interval, never a job: the job is in the outbox either way.
 */
export class PostgresDatabase {
  readonly pool: Pool;
  /** The schema name as configured. */
  readonly schema: string;
  /** The schema as a quoted SQL identifier, for query texts. */
  readonly s: string;
  readonly #ownsPool: boolean;
  readonly #channel: string;
  readonly #notifyIntervalMs: number;
  readonly #crossProcess: boolean;
  readonly #waiters = new Set<() => void>();
  #listener: { readonly client: pg.Client; readonly drop: () => Promise<void> } | undefined;
  #notifying = false;
  #notifyAgain = false;
  #closed = false;

  constructor(options: PostgresConnectionOptions) {
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.s = schemaIdentifier(this.schema);
    if (options.pool !== undefined) {
      this.pool = options.pool;
      this.#ownsPool = false;
    } else if (options.connectionString !== undefined) {
      this.pool = new pg.Pool({
        connectionString: withDefaultUser(options.connectionString),
        max: options.poolSize ?? 10,
      });
      // An idle connection that the server drops must not crash the process: the pool replaces it.
      this.pool.on('error', () => undefined);
      this.#ownsPool = true;
    } else {
      throw new Error('The PostgreSQL adapter needs a pool or a connection string.');
    }
    guardClientErrors(this.pool);
    this.#channel = `nss_${this.schema}`.slice(0, 63);
    this.#notifyIntervalMs = options.notifyIntervalMs ?? 10;
    this.#crossProcess = options.crossProcess ?? true;
  }

  /**
   * Runs a statement prepared once per connection under `name` (made unique per schema, since one pool
   * may serve several schemas): parsing and planning are paid once, not per call. The connection goes
   * back to the pool even when the server reported an error (a conflict is an error by design): the pool's
   * own `query` would close it, and every conflict would cost a new connection.
   */
  async query<R extends QueryResultRow>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<QueryResult<R>> {
    const client = await this.pool.connect();
    try {
      const result = await client.query<R>({ name: `${name}:${this.schema}`, text, values });
      client.release();
      return result;
    } catch (error) {
      // A server-side error leaves the connection usable; anything else (a broken socket) does not.
      client.release(isServerError(error) ? undefined : (error as Error));
      throw error;
    }
  }

  /** Wakes this process's waiting workers at once, and other processes' through a coalesced NOTIFY. */
  notifyWork(): void {
    this.#wakeLocal();
    if (this.#closed || !this.#crossProcess) return;
    if (this.#notifying) {
      this.#notifyAgain = true;
      return;
    }
    this.#notifying = true;
    void this.#sendNotifications();
  }

  async #sendNotifications(): Promise<void> {
    do {
      this.#notifyAgain = false;
      try {
        await this.pool.query("select pg_notify($1, '')", [this.#channel]);
      } catch {
        // Workers fall back to polling; the job itself is safe in the outbox.
      }
      if (this.#morePending()) await new Promise((resolve) => setTimeout(resolve, this.#notifyIntervalMs));
    } while (this.#morePending() && !this.#closed);
    this.#notifying = false;
  }

  /** Whether work was enqueued while a notification was on its way (read through a call: it changes across awaits). */
  #morePending(): boolean {
    return this.#notifyAgain;
  }

  /** Registers a wake-up (and starts listening, if not yet); returns a function that unregisters it. */
  onWork(wake: () => void): () => void {
    this.#ensureListener();
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  #wakeLocal(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * One dedicated connection (not taken from the pool, so a caller's pool keeps its full size) listens for
   * notifications. When it fails it is dropped and its waiters are woken to poll; the next wait opens a
   * new one. Once listening, everyone is woken again: notifications sent before were missed.
   */
  #ensureListener(): void {
    if (this.#listener !== undefined || this.#closed || !this.#crossProcess) return;
    const client = new pg.Client(this.pool.options);
    let ended: Promise<void> | undefined;
    const drop = (): Promise<void> => {
      if (ended === undefined) {
        if (this.#listener?.client === client) this.#listener = undefined;
        ended = client.end().catch(() => undefined);
        // Waiters wake to poll, and their next wait listens on a new connection.
        this.#wakeLocal();
      }
      return ended;
    };
    this.#listener = { client, drop };
    client.on('error', () => void drop());
    client.on('end', () => void drop());
    client.on('notification', () => {
      this.#wakeLocal();
    });
    client
      .connect()
      .then(() => client.query(`listen "${this.#channel}"`))
      .then(() => {
        if (this.#closed) void drop();
        else this.#wakeLocal();
      })
      .catch(() => void drop());
  }

  /** Stops listening, wakes every waiter, and ends the pool if the adapter created it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const listening = this.#listener?.drop();
    this.#wakeLocal();
    await listening;
    while (this.#notifying) await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.#ownsPool) await this.pool.end();
  }
}

import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { isBackgroundWork } from './background-work.js';

/**
 * The part of an embedded PostgreSQL (PGlite) instance this adapter drives: typed here rather than
 * imported, so that the package's public types never name a package that is only an optional peer.
 */
export interface EmbeddedDatabase {
  readonly closed: boolean;
  query(
    text: string,
    params?: unknown[],
  ): Promise<{
    rows: unknown[];
    fields: { name: string; dataTypeID: number }[];
    affectedRows?: number;
    /** From the command tag, as node-postgres reports it (PGlite 0.5 and later). */
    rowCount?: number | null;
    command?: string;
  }>;
  exec(text: string): Promise<{ rows: unknown[]; fields: { name: string; dataTypeID: number }[] }[]>;
  close(): Promise<void>;
}

/** A query as node-postgres takes it: text and values, or a config object (whose `name` is ignored here). */
type QueryInput = string | { readonly text: string; readonly values?: unknown[]; readonly name?: string };

function commandOf(text: string): string {
  return /^\s*([a-z]+)/i.exec(text)?.[1]?.toUpperCase() ?? '';
}

/**
 * node-postgres reads `int8` (counts, sums) as strings, to keep every digit; PGlite reads them as
 * numbers. The adapter was written against node-postgres, so the embedded database answers the same way.
 */
export const PG_COMPATIBLE_PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  20: (text) => text,
};

/** Foreground checkouts handed the connection in a row, while background ones wait, before one of those. */
export const FOREGROUND_SHARE = 4;

/**
 * One connection checked out at a time. PGlite is a single PostgreSQL backend in this process: it has one
 * session, so a transaction (migrate's `begin … commit`, a seed load) must own it from `begin` to the
 * release, or another caller's statements would run inside it. Everything else the adapter sends is one
 * statement per checkout (the commit is one call of its function), so serializing checkouts costs
 * nothing PGlite would not serialize anyway.
 *
 * Every checkout begins on a new turn of the event loop (`setImmediate`). PGlite runs a statement on this
 * thread and settles its promise without yielding, so a queue of checkouts handed over promise to promise
 * would run every queued statement in one go, starving timers and sockets for seconds under a burst (a
 * 500-session burst measured an 8.8 s stall before this). A turn per statement lets requests, timers and
 * the other work of the process in between.
 *
 * Two queues, each first come first served: requests, and background work (the job worker's claims and
 * steps, see `runAsBackgroundWork`). Requests go first, but never more than {@link FOREGROUND_SHARE} in a
 * row while background work waits, so the worker keeps a fifth of the connection under any load. With
 * one queue, a burst of creates in one studio (which commit one after another, on the studio's quota
 * ledger) waited behind the steps each commit had set going: 600 creates took 4.3 s, the slowest
 * answered after 4.2 s, against 0.9 s with the worker stopped.
 */
class Checkouts {
  #busy = false;
  readonly #foreground: (() => void)[] = [];
  readonly #background: (() => void)[] = [];
  /** Foreground checkouts handed over in a row while background ones waited. */
  #inARow = 0;

  get waiting(): number {
    return this.#foreground.length + this.#background.length;
  }

  get busy(): boolean {
    return this.#busy;
  }

  acquire(background = false): Promise<void> {
    return new Promise((resolve) => {
      (background ? this.#background : this.#foreground).push(resolve);
      if (!this.#busy) this.#handOver();
    });
  }

  release(): void {
    this.#busy = false;
    if (this.waiting > 0) this.#handOver();
  }

  #next(): (() => void) | undefined {
    if (this.#background.length > 0 && (this.#foreground.length === 0 || this.#inARow >= FOREGROUND_SHARE)) {
      this.#inARow = 0;
      return this.#background.shift();
    }
    const next = this.#foreground.shift();
    this.#inARow = this.#background.length > 0 ? this.#inARow + 1 : 0;
    return next;
  }

  /** Gives the connection to the next waiter, on the next turn of the event loop. */
  #handOver(): void {
    this.#busy = true;
    setImmediate(() => {
      const next = this.#next();
      if (next === undefined) this.#busy = false;
      else next();
    });
  }
}

/** A node-postgres client over the embedded database: the calls the adapter makes, nothing more. */
class EmbeddedClient {
  #released = false;

  constructor(
    private readonly db: () => Promise<EmbeddedDatabase>,
    private readonly onRelease: () => void,
  ) {}

  async query<R extends QueryResultRow>(input: QueryInput, values?: unknown[]): Promise<QueryResult<R>> {
    if (this.#released) throw new Error('This embedded PostgreSQL client was released.');
    const text = typeof input === 'string' ? input : input.text;
    const params = typeof input === 'string' ? values : (input.values ?? values);
    const db = await this.db();
    if (params === undefined || params.length === 0) {
      // No parameters: the simple protocol, which (as with node-postgres) runs several statements.
      const results = await db.exec(text);
      const last = results[results.length - 1] ?? { rows: [], fields: [] };
      return {
        command: commandOf(text),
        rowCount: last.rows.length,
        oid: 0,
        rows: last.rows as R[],
        fields: last.fields.map((f) => ({ ...f, ...FIELD_DEFAULTS })),
      };
    }
    const result = await db.query(text, params);
    const command = result.command ?? commandOf(text);
    return {
      command,
      // The command tag's count, as node-postgres reports it: rows a SELECT returned, rows a write touched.
      rowCount:
        result.rowCount ??
        (command === 'SELECT' || command === 'WITH' ? result.rows.length : (result.affectedRows ?? 0)),
      oid: 0,
      rows: result.rows as R[],
      fields: result.fields.map((f) => ({ ...f, ...FIELD_DEFAULTS })),
    };
  }

  release(_error?: Error | boolean): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease();
  }

  // The adapter listens for 'error' on every pooled client; an in-process database never emits it.
  on(): this {
    return this;
  }
}

const FIELD_DEFAULTS = {
  tableID: 0,
  columnID: 0,
  dataTypeSize: -1,
  dataTypeModifier: -1,
  format: 'text' as const,
};

/**
 * The part of node-postgres's `Pool` that the PostgreSQL adapter uses (connect, query, release, end, the
 * usage counters), over one embedded PostgreSQL database. The adapter's SQL, migrations and commit
 * function run on it unchanged; only the transport differs. The database opens on the first checkout,
 * so constructing the pool does no I/O.
 */
export class EmbeddedPool {
  readonly options = {};
  readonly #open: () => Promise<EmbeddedDatabase>;
  readonly #checkouts = new Checkouts();
  #db: Promise<EmbeddedDatabase> | undefined;
  #ended = false;

  constructor(open: () => Promise<EmbeddedDatabase>) {
    this.#open = open;
  }

  /** The database, opened once; a failed open is tried again by the next caller. */
  #database = (): Promise<EmbeddedDatabase> => {
    if (this.#db === undefined) {
      const opening = this.#open();
      this.#db = opening;
      opening.catch(() => {
        if (this.#db === opening) this.#db = undefined;
      });
    }
    return this.#db;
  };

  get totalCount(): number {
    return this.#db === undefined ? 0 : 1;
  }

  get idleCount(): number {
    return this.#db !== undefined && !this.#checkouts.busy ? 1 : 0;
  }

  get waitingCount(): number {
    return this.#checkouts.waiting;
  }

  async connect(): Promise<EmbeddedClient> {
    if (this.#ended) throw new Error('The embedded PostgreSQL database is closed.');
    await this.#checkouts.acquire(isBackgroundWork());
    try {
      await this.#database();
    } catch (error) {
      this.#checkouts.release();
      throw error;
    }
    return new EmbeddedClient(this.#database, () => {
      this.#checkouts.release();
    });
  }

  async query<R extends QueryResultRow>(input: QueryInput, values?: unknown[]): Promise<QueryResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(input, values);
    } finally {
      client.release();
    }
  }

  on(): this {
    return this;
  }

  /** Waits for the checkout in progress, then closes the database. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const db = this.#db;
    if (db === undefined) return;
    await this.#checkouts.acquire();
    try {
      const opened = await db.catch(() => undefined);
      if (opened !== undefined && !opened.closed) await opened.close();
    } finally {
      this.#checkouts.release();
    }
  }

  /** This pool as the node-postgres `Pool` type the adapter's parts are written against. */
  asPool(): Pool {
    // The adapter calls only what EmbeddedPool implements; the PGlite suites run every part of it.
    return this as unknown as Pool;
  }
}

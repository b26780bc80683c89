/**
 * Workloads 1 and 2: creates through the full CreateStreamingSession handler on every storage of
 * STORAGES, beside the same-writes SQL floor and Emmett's PostgreSQL store (SQL storages), and beside
 * Emmett's in-memory command handling (in-memory storage), there on fresh stores of the same size.
 */
import { randomUUID } from 'node:crypto';
import { migrate } from '../../src/adapters/postgres/index.js';
import { TOKENS } from '../../src/index.js';
import { emmettCreate } from '../lib/emmett.js';
import { emmettPostgres } from '../lib/emmett-stores.js';
import { ARTIST, createInput, STUDIOS, studioId } from '../lib/fixtures.js';
import { captureTemplate, floorOp } from '../lib/floor.js';
import { emmettSide, handlerOp, handlerSide, type FreshStore, type Side } from '../lib/fresh-stores.js';
import type { Pool } from '../lib/library.js';
import {
  expectCount,
  log,
  measureCases,
  QUICK,
  RUNS,
  runLanes,
  type Case,
  type CaseResult,
} from '../lib/measure.js';
import { count } from '../lib/postgres.js';
import { inMemory, STORAGES, type OpenStorage, type StorageFactory } from '../lib/storages.js';
import type { Profiler, Table, WorkloadResult } from './types.js';

export const POOL_SIZE = 32;

/** Counts successful operations per case, to check afterwards that each landed once. */
function counted(name: string, op: (n: number) => Promise<unknown>, counts: Map<string, number>): Case {
  counts.set(name, counts.get(name) ?? 0);
  return {
    name,
    op: async (n) => {
      await op(n);
      counts.set(name, counts.get(name)! + 1);
    },
  };
}

export const handlerCase = (storage: string): string => `handler, ${storage}`;
export const FLOOR = 'same-writes SQL floor';
export const EMMETT_PG = 'Emmett, PostgreSQL';
export const EMMETT_MEMORY = 'Emmett, in memory';

/** Workload 2: sessions every store holds before a run, and the creates of a run. */
export const PREFILLED = 1_000;
export const PER_RUN = QUICK ? 1_000 : 3_000;
/** Workload 2's size table: sessions a store holds before each of its measurements (at c1). */
export const STORE_SIZES: readonly number[] = [0, 1_000, QUICK ? 5_000 : 10_000];
const SIZE_BATCH = { emmett: QUICK ? 100 : 200, handler: QUICK ? 300 : 1_000 };
/** One create per studio: the warm-up loads every studio's catalog entries and ledger on a new store. */
const SIZE_WARM_UP = STUDIOS;
const sizeLabel = (size: number): string =>
  size === 0 ? 'fresh store' : `after ${size.toLocaleString('en-US')} sessions`;
export const sizeCase = (side: string, size: number): string => `${side}, ${sizeLabel(size)}`;

export async function createWorkloads(pool: Pool, profile: Profiler): Promise<WorkloadResult[]> {
  const counts = new Map<string, number>();
  const verified: string[] = [];
  const opened: { name: string; sql: boolean; open: OpenStorage }[] = [];
  const run = randomUUID().slice(0, 8);
  const floorSchema = `nss_bench_floor_${run}`;
  const emmettPg = await emmettPostgres(`nss_bench_emmett_${run}`, POOL_SIZE);
  try {
    for (const factory of STORAGES.filter((f) => f.sql)) {
      const open = await factory.open({ pool, workload: `create_${factory.key}` });
      opened.push({ name: factory.name, sql: factory.sql, open });
      // Warm the catalog and ledger caches of every studio; these count too.
      for (let i = 0; i < STUDIOS; i++) await handlerOp(open, `warm-${run}`)(i);
      counts.set(handlerCase(factory.name), STUDIOS);
    }
    const postgres = opened.find((o) => o.name === 'PostgreSQL');
    if (postgres === undefined) throw new Error('the PostgreSQL storage is missing from STORAGES');
    const pgSchema = postgres.open.schema!;
    const first = await pool.query<{ session_id: string }>(
      `select session_id from "${pgSchema}".session_views where studio_id = $1 limit 1`,
      [studioId(0)],
    );
    const template = await captureTemplate(pool, pgSchema, first.rows[0]!.session_id);
    await migrate(pool, { schema: floorSchema });
    await pool.query(
      `insert into "${floorSchema}".streams (stream_id, studio_id, version)
       select 'QuotaLedger:' || id, id, 0 from unnest($1::text[]) as id`,
      [Array.from({ length: STUDIOS }, (_, i) => studioId(i))],
    );

    const emmettPgCreate = emmettCreate({
      catalog: postgres.open.sessions.container.get(TOKENS.Catalog),
      caller: ARTIST,
      ...emmettPg,
    }).create;

    const sqlCases = [
      ...opened.filter((o) => o.sql).map((o) => counted(handlerCase(o.name), handlerOp(o.open, run), counts)),
      counted(FLOOR, floorOp(pool, floorSchema, template, STUDIOS), counts),
      counted(EMMETT_PG, (n) => emmettPgCreate(createInput(n, run)), counts),
    ];
    log('workload 1: PostgreSQL create');
    const sqlResults = await measureCases('PostgreSQL create', sqlCases);

    const sqlTable: Table = {
      title: 'Creates per second, PostgreSQL (and other SQL storages)',
      cases: {
        ...Object.fromEntries(
          opened
            .filter((o) => o.sql)
            .map((o) => [
              handlerCase(o.name),
              `\`createStreamingSession\` through the full handler on ${o.name} storage`,
            ]),
        ),
        [FLOOR]: 'one plain SQL statement with the same writes and payloads, no checks',
        [EMMETT_PG]: "Emmett's PostgreSQL event store, the same decisions, three appends in one transaction",
      },
      results: sqlResults,
      ratios: [
        ...opened.filter((o) => o.sql).map((o) => ({ of: handlerCase(o.name), to: FLOOR })),
        { of: handlerCase('PostgreSQL'), to: EMMETT_PG },
      ],
      cpu: 'client-and-database',
    };
    const lanes = (c: Case) => () => runLanes(8, 3, c.op);
    await profile(
      [sqlTable],
      'pg-create',
      lanes(sqlCases.find((c) => c.name === handlerCase('PostgreSQL'))!),
    );
    for (const o of opened)
      verified.push(...(await o.open.verify(counts.get(handlerCase(o.name))!)).map((v) => `${o.name}: ${v}`));
    verified.push(
      `floor: ${expectCount('view rows', await count(pool, `"${floorSchema}".session_views`), counts.get(FLOOR)!)}`,
      ...(await emmettPg.verify(counts.get(EMMETT_PG)!, [])).map((v) => `${EMMETT_PG}: ${v}`),
    );

    return [
      {
        id: 'pg-create',
        title: '1. PostgreSQL create: the full handler, the same-writes floor and Emmett',
        about: ABOUT_PG,
        tables: [sqlTable],
        verified,
        notes: [...cpuGapNotes(sqlResults), ...emmettPgNotes(sqlResults, counts.get(EMMETT_PG)!)],
      },
      await memoryCreateWorkload(pool, profile, run),
    ];
  } finally {
    // Clean-up failures are reported, not thrown: they must not hide why a workload failed.
    const quietly = (what: string, p: Promise<unknown>) =>
      p.catch((error: unknown) => {
        log(`clean-up of ${what} failed: ${String(error)}`);
      });
    for (const o of opened) await quietly(o.name, o.open.close());
    await quietly(EMMETT_PG, emmettPg.close());
    await quietly('floor', pool.query(`drop schema if exists "${floorSchema}" cascade`));
  }
}

/** Counts identical verification lines, one per store: "line (each of n stores)". */
class Tally {
  readonly #lines = new Map<string, number>();
  add(lines: readonly string[]): void {
    for (const line of lines) this.#lines.set(line, (this.#lines.get(line) ?? 0) + 1);
  }
  lines(): string[] {
    return [...this.#lines].map(([line, n]) => (n === 1 ? line : `${line} (each of ${String(n)} stores)`));
  }
}

/**
 * Workload 2. Table 1: every run of each side on a store of its own, opened fresh and filled with PREFILLED
 * sessions (untimed), then exactly PER_RUN creates, timed: both sides end every run on a store of the same
 * size. Table 2: one store per side filled to each of STORE_SIZES in turn, with a short measurement at
 * concurrency 1 at each size: what a store's size costs each side.
 */
export async function memoryCreateWorkload(
  pool: Pool,
  profile: Profiler,
  run: string,
): Promise<WorkloadResult> {
  const factories = STORAGES.filter((f) => !f.sql);
  // Emmett's side uses the catalog of an in-memory service that nothing writes to.
  const catalogService = await inMemory.open({ pool, workload: 'create_catalog' });
  const optionsOf = (f: StorageFactory) => ({ pool, workload: `create_${f.key}` });
  const sides: Side[] = [
    ...factories.map((f) => handlerSide(handlerCase(f.name), f, optionsOf(f), run)),
    emmettSide(EMMETT_MEMORY, catalogService.sessions.container.get(TOKENS.Catalog), run),
  ];
  const sideOf = (name: string): Side => sides.find((s) => s.name === name)!;
  const current = new Map<string, FreshStore>();
  const tally = new Tally();
  const retire = async (name: string, sessions: number) => {
    const store = current.get(name)!;
    current.delete(name);
    try {
      tally.add((await store.verify(sessions)).map((v) => `${name}: ${v}`));
    } finally {
      await store.close();
    }
  };
  const renew = async (name: string) => {
    const store = await sideOf(name).open();
    current.set(name, store);
    await store.fill(PREFILLED);
  };
  try {
    log(
      `workload 2: in-memory create (fresh stores of ${PREFILLED.toLocaleString('en-US')} sessions, ${PER_RUN.toLocaleString('en-US')} creates a run)`,
    );
    const cases: Case[] = sides.map((s) => ({ name: s.name, op: (n) => current.get(s.name)!.op(n) }));
    const results = await measureCases('in-memory create', cases, {
      count: PER_RUN,
      beforeRun: (c) => renew(c.name),
      onRun: (c, r) => retire(c.name, PREFILLED + r.ops),
    });
    const table: Table = {
      title: `Creates per second, in memory, each run on fresh stores holding ${PREFILLED.toLocaleString('en-US')} sessions`,
      cases: {
        ...Object.fromEntries(
          factories.map((f) => [
            handlerCase(f.name),
            `\`createStreamingSession\` through the full handler on ${f.key === 'memory' ? 'in-memory' : f.name} storage`,
          ]),
        ),
        [EMMETT_MEMORY]: "Emmett's `CommandHandler` on `getInMemoryEventStore()`, the same decisions",
      },
      results,
      ratios: factories.map((f) => ({ of: handlerCase(f.name), to: EMMETT_MEMORY })),
    };
    const handler = handlerCase(factories[0]!.name);
    // Profiled (when a target is missed) on a store like those of the runs; checked, not tallied.
    const profiled = await sideOf(handler).open();
    current.set(`${handler} (profiled)`, profiled);
    await profiled.fill(PREFILLED);
    let landed = PREFILLED;
    await profile([table], 'memory-create', () =>
      runLanes(8, 3, async (n) => {
        await profiled.op(n);
        landed++;
      }),
    );
    await profiled.verify(landed);
    current.delete(`${handler} (profiled)`);
    await profiled.close();

    // The size table: one store per side, filled to each size in turn. One side after the other, so that
    // neither side's store is in memory (and the garbage collector's way) while the other is measured.
    log(`workload 2: sessions already in the store (${STORE_SIZES.map(String).join(', ')})`);
    const sizeResults: CaseResult[] = [];
    const fills = new Map<string, Fill>();
    for (const s of sides) {
      const store = await s.open();
      current.set(s.name, store);
      let sessions = 0;
      for (const size of STORE_SIZES) {
        const add = Math.max(0, size - sessions);
        fills.set(`${s.name}@${String(size)}`, { from: sessions, seconds: (await store.fill(add)) / 1000 });
        sessions += add;
        const at: Case = { name: sizeCase(s.name, size), op: store.op };
        sizeResults.push(
          ...(await measureCases(`in-memory create, ${sizeLabel(size)}`, [at], {
            concurrency: [1],
            count: s.name === EMMETT_MEMORY ? SIZE_BATCH.emmett : SIZE_BATCH.handler,
            warmUpCount: SIZE_WARM_UP,
            onRun: (_, r) => {
              sessions += r.ops;
            },
          })),
        );
      }
      await retire(s.name, sessions);
    }
    const largest = STORE_SIZES.at(-1)!;
    const sizeTable: Table = {
      title: `Creates per second by sessions already in the store, in memory, at concurrency 1`,
      cases: Object.fromEntries(
        sides.flatMap((s) =>
          STORE_SIZES.map((size) => [
            sizeCase(s.name, size),
            `${s.name === EMMETT_MEMORY ? 'Emmett' : 'the handler'}, ${size === 0 ? 'on a new store' : `on a store already holding ${size.toLocaleString('en-US')} sessions`}`,
          ]),
        ),
      ),
      results: sizeResults,
      ratios: [
        ...sides.map((s) => ({ of: sizeCase(s.name, 0), to: sizeCase(s.name, largest) })),
        { of: sizeCase(handler, largest), to: sizeCase(EMMETT_MEMORY, largest) },
      ],
    };
    return {
      id: 'memory-create',
      title: '2. In-memory create: the full handler and Emmett',
      about: ABOUT_MEMORY,
      tables: [table, sizeTable],
      verified: tally.lines(),
      notes: growthNotes(sizeResults, handler, fills),
    };
  } finally {
    for (const store of current.values()) await store.close().catch(() => undefined);
    await catalogService.close();
  }
}

/** What the size table shows, with its figures, and where in Emmett's source the growth comes from. */
interface Fill {
  readonly from: number;
  readonly seconds: number;
}

function growthNotes(results: readonly CaseResult[], handler: string, fills: Map<string, Fill>): string[] {
  const rate = (side: string, size: number) =>
    results.find((r) => r.case === sizeCase(side, size) && r.concurrency === 1)?.rate ?? Number.NaN;
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
  const figures = (side: string) => STORE_SIZES.map((size) => `${int(rate(side, size))}`).join(' → ');
  const sizes = STORE_SIZES.map((s) => s.toLocaleString('en-US')).join(' → ');
  const largest = STORE_SIZES.at(-1)!;
  const filled = (side: string, who: string) => {
    const f = fill(side);
    const creates = largest - f.from;
    return `${who} ${int(creates)} creates (from ${int(f.from)} sessions) in ${f.seconds.toFixed(1)} s, ${int(creates / f.seconds)} per s`;
  };
  const fill = (side: string) =>
    fills.get(`${side}@${String(largest)}`) ?? { from: Number.NaN, seconds: Number.NaN };
  return [
    `**Why the stores are fresh and of one size.** Creates per second at concurrency 1 with ${sizes} sessions`,
    `already in the store (the table above): Emmett ${figures(EMMETT_MEMORY)}; the handler ${figures(handler)}.`,
    `Filling the stores on to ${largest.toLocaleString('en-US')} sessions, 8 creates at a time: ${filled(EMMETT_MEMORY, 'Emmett')}; ${filled(handler, 'the handler')}.`,
    `Our reading of \`@event-driven-io/emmett\` 0.42.0 (\`src/eventStore/inMemoryEventStore.ts\`,`,
    "bundled as `dist/index.js`): `appendToStream` numbers each appended event's global position with",
    '`getAllEventsCount()` (source lines 67–71, called once per event at line 206; `dist/index.js` lines 1644',
    'and 1701), which copies every stream of the store into a new array (`Array.from(streams.values())`),',
    'maps it to lengths and sums them. A create here adds two streams (session and client token) and appends',
    'three events, so each create walks all the streams of the store three times, and its cost grows with',
    'the number of sessions stored. It grows faster past 16,384 streams (about 8,150 sessions here): we take',
    'that to be V8 allocating the two temporary arrays, over 128 KiB each from there, in its large-object',
    'space. Each append also copies the whole event array of its stream (lines 225–228), which only counts for',
    "the studios' ledger streams. The handler's in-memory store numbers an event from the length of its",
    'global log and appends in place (`src/adapters/in-memory/event-store.ts`): nothing in its append walks',
    'the store. So a comparison on one store filled by every run measures how full the store is by then',
    'rather than a',
    `create: the first table starts every run of both sides from a fresh store holding ${PREFILLED.toLocaleString('en-US')} sessions and`,
    `runs exactly ${PER_RUN.toLocaleString('en-US')} creates, so both end each run on stores of ${(PREFILLED + PER_RUN).toLocaleString('en-US')} sessions.`,
  ];
}

/** Whether Emmett's PostgreSQL side slowed as its database filled, by its runs in order. */
/**
 * Where the handler's CPU beyond the floor's goes, client side and database side, from the CPU table: the
 * two sides share the cores, so together they set the rate.
 */
function cpuGapNotes(results: readonly CaseResult[]): string[] {
  const at = (name: string, c: number) => results.find((r) => r.case === name && r.concurrency === c);
  const lines = [8, 32].flatMap((c) => {
    const handler = at(handlerCase('PostgreSQL'), c);
    const floor = at(FLOOR, c);
    if (handler === undefined || floor === undefined || !Number.isFinite(handler.dbCpuUs + floor.dbCpuUs))
      return [];
    const us = (n: number) => Math.round(n).toLocaleString('en-US');
    const total = (r: CaseResult) => r.cpuUs + r.dbCpuUs;
    return [
      `At concurrency ${String(c)} a create cost ${us(total(handler))} µs of CPU through the handler on PostgreSQL ` +
        `(${us(handler.cpuUs)} here, ${us(handler.dbCpuUs)} in PostgreSQL) against ${us(total(floor))} µs for the floor ` +
        `(${us(floor.cpuUs)} + ${us(floor.dbCpuUs)}): of the ${us(total(handler) - total(floor))} µs more, ` +
        `${us(handler.cpuUs - floor.cpuUs)} are this process's and ${us(handler.dbCpuUs - floor.dbCpuUs)} the database's.`,
    ];
  });
  return lines.length === 0 ? [] : ['**Where the CPU goes.** ' + lines.join(' '), ''];
}

function emmettPgNotes(results: readonly CaseResult[], sessions: number): string[] {
  const drift = (name: string) =>
    results
      .filter((r) => r.case === name && r.runs.length > 1)
      .map((r) => `${(r.runs.at(-1)! / r.runs[0]!).toFixed(2)}× at c${String(r.concurrency)}`)
      .join(', ');
  const emmett = drift(EMMETT_PG);
  return [
    "**Does Emmett's PostgreSQL store slow down as it fills?** By our reading, no. Its database is created for",
    `this run and dropped at its end, so every run of the command starts it empty (here it held ${sessions.toLocaleString('en-US')} sessions at`,
    'the end, warm-up included), and its appends (`emt_append_to_stream` in `@event-driven-io/emmett-postgresql`)',
    'and reads find a stream by its primary key in `emt_streams` and `emt_messages`, then insert: nothing',
    `walks the whole store.${emmett === '' ? '' : ` Last run ÷ first run, as both stores grew: Emmett ${emmett}; the handler on PostgreSQL ${drift(handlerCase('PostgreSQL'))}.`}`,
  ];
}

const ABOUT_PG = [
  `Creates spread over ${String(STUDIOS)} studios (creates in one studio take turns on its quota ledger), each with a`,
  'fresh client token; catalog and ledger caches warm; one pool of',
  `${String(POOL_SIZE)} connections per side. Each case has a schema of its own, dropped afterwards (Emmett a`,
  'database of its own: its migration finds its functions by name anywhere in a database).',
  '',
  '- **handler**: `createStreamingSession` through the full handler (validate, fingerprint, catalog facts,',
  '  decide, one `commit_unit` call writing session stream, ledger, events, view row, client token and job).',
  '- **same-writes SQL floor**: one plain statement writing the same rows with the same payloads, no checks.',
  "- **Emmett, PostgreSQL**: `@event-driven-io/emmett-postgresql`'s event store, with the same catalog",
  '  lookups, validation, fingerprint, `decideCreateStreamingSession` and `evolve`. Per create, in one',
  "  transaction opened through Emmett's connection layer: Emmett's `CommandHandler` on the session stream",
  '  (it reads the stream, decides, appends), an append of a `ClientToken-<studio>/<token>` stream expecting',
  '  version 0 (Emmett does not check `STREAM_DOES_NOT_EXIST` on PostgreSQL; expecting 0 fails on a second',
  '  use), and an append to `QuotaLedger-<studio>` with the exact expected version. The ledger state is',
  '  cached per studio and creates in a studio are queued per process, as the handler does. Emmett writes no',
  '  view row and no job: it has less to write than the handler.',
];

const ABOUT_MEMORY = [
  `The same creates on in-memory storage, ${String(STUDIOS)} studios. **Emmett, in memory**: \`getInMemoryEventStore()\``,
  "with the same catalog lookups, validation, fingerprint and decisions, Emmett's `CommandHandler` on the",
  'session stream, a client-token stream appended with `STREAM_DOES_NOT_EXIST`, and the ledger stream',
  "appended with its exact expected version (cached per studio, as above). Emmett's in-memory store has no",
  'transactions: the three appends follow one another.',
  '',
  "Emmett's in-memory store gets slower the more it holds (see below), so here runs are of a fixed number of",
  `creates, not of a fixed time: every run of each side, the warm-up's too, gets a new store, filled with`,
  `${PREFILLED.toLocaleString('en-US')} sessions through the same create (untimed; it also warms the catalog and ledger caches), then`,
  `exactly ${PER_RUN.toLocaleString('en-US')} creates are timed. Each store is checked and dropped after its run. The second table`,
  `measures what size costs: one store per side (one side after the other), filled to ${STORE_SIZES.map((n) => n.toLocaleString('en-US')).join(', ')} sessions in turn, and at each`,
  `size, at concurrency 1, a warm-up of ${String(SIZE_WARM_UP)} creates (one per studio) and ${String(RUNS)} run(s) of ${String(SIZE_BATCH.emmett)} creates for Emmett,`,
  `${SIZE_BATCH.handler.toLocaleString('en-US')} for the handler, whose creates take far less time (so a store grows by at most`,
  `${String(SIZE_WARM_UP + RUNS * SIZE_BATCH.emmett)} and ${(SIZE_WARM_UP + RUNS * SIZE_BATCH.handler).toLocaleString('en-US')} sessions while it is measured).`,
];

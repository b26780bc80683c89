/**
 * Workloads 1 and 2: creates through the full CreateStreamingSession handler on every storage of
 * STORAGES, beside the same-writes SQL floor and Emmett's PostgreSQL store (SQL storages), and beside
 * Emmett's in-memory command handling (in-memory storage).
 */
import { randomUUID } from 'node:crypto';
import { migrate } from '../../src/adapters/postgres/index.js';
import { TOKENS } from '../../src/index.js';
import { emmettCreate } from '../lib/emmett.js';
import { emmettInMemory, emmettPostgres } from '../lib/emmett-stores.js';
import { ARTIST, createInput, STUDIOS, studioId } from '../lib/fixtures.js';
import { captureTemplate, floorOp } from '../lib/floor.js';
import type { Pool } from '../lib/library.js';
import { expectCount, log, measureCases, type Case } from '../lib/measure.js';
import { count } from '../lib/postgres.js';
import { STORAGES, type OpenStorage } from '../lib/storages.js';
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

function handlerOp(open: OpenStorage, run: string): (n: number) => Promise<void> {
  return async (n) => {
    const result = await open.sessions.createStreamingSession(createInput(n, run), ARTIST);
    if (result.isErr()) throw new Error(`create failed: ${result.error.type}: ${result.error.message}`);
  };
}

export const handlerCase = (storage: string): string => `handler, ${storage}`;
export const FLOOR = 'same-writes SQL floor';
export const EMMETT_PG = 'Emmett, PostgreSQL';
export const EMMETT_MEMORY = 'Emmett, in memory';

export async function createWorkloads(pool: Pool, profile: Profiler): Promise<WorkloadResult[]> {
  const counts = new Map<string, number>();
  const verified: string[] = [];
  const opened: { name: string; sql: boolean; open: OpenStorage }[] = [];
  const run = randomUUID().slice(0, 8);
  const floorSchema = `nss_bench_floor_${run}`;
  const emmettPg = await emmettPostgres(`nss_bench_emmett_${run}`, POOL_SIZE);
  const emmettMem = emmettInMemory();
  try {
    for (const factory of STORAGES) {
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

    const emmettOps = (store: typeof emmettPg, open: OpenStorage) =>
      emmettCreate({ catalog: open.sessions.container.get(TOKENS.Catalog), caller: ARTIST, ...store }).create;
    const sessionIds: string[] = [];
    const emmettPgCreate = emmettOps(emmettPg, postgres.open);
    const memory = opened.find((o) => !o.sql)!;
    const emmettMemCreate = emmettOps(emmettMem, memory.open);

    const sqlCases = [
      ...opened.filter((o) => o.sql).map((o) => counted(handlerCase(o.name), handlerOp(o.open, run), counts)),
      counted(FLOOR, floorOp(pool, floorSchema, template, STUDIOS), counts),
      counted(EMMETT_PG, (n) => emmettPgCreate(createInput(n, run)), counts),
    ];
    log('workload 1: PostgreSQL create');
    const sqlResults = await measureCases('PostgreSQL create', sqlCases);
    const memoryCases = [
      ...opened
        .filter((o) => !o.sql)
        .map((o) => counted(handlerCase(o.name), handlerOp(o.open, run), counts)),
      counted(
        EMMETT_MEMORY,
        async (n) => {
          sessionIds.push(await emmettMemCreate(createInput(n, run)));
        },
        counts,
      ),
    ];
    log('workload 2: in-memory create');
    const memoryResults = await measureCases('in-memory create', memoryCases);

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
    };
    const memoryTable: Table = {
      title: 'Creates per second, in memory',
      cases: {
        [handlerCase(memory.name)]: '`createStreamingSession` through the full handler on in-memory storage',
        [EMMETT_MEMORY]: "Emmett's `CommandHandler` on `getInMemoryEventStore()`, the same decisions",
      },
      results: memoryResults,
      ratios: [{ of: handlerCase(memory.name), to: EMMETT_MEMORY }],
    };
    const lanes = (c: Case) => () => import('../lib/measure.js').then(({ runLanes }) => runLanes(8, 3, c.op));
    await profile(
      [sqlTable],
      'pg-create',
      lanes(sqlCases.find((c) => c.name === handlerCase('PostgreSQL'))!),
    );
    await profile([memoryTable], 'memory-create', lanes(memoryCases[0]!));
    for (const o of opened)
      verified.push(...(await o.open.verify(counts.get(handlerCase(o.name))!)).map((v) => `${o.name}: ${v}`));
    verified.push(
      `floor: ${expectCount('view rows', await count(pool, `"${floorSchema}".session_views`), counts.get(FLOOR)!)}`,
      ...(await emmettPg.verify(counts.get(EMMETT_PG)!, [])).map((v) => `${EMMETT_PG}: ${v}`),
      ...(await emmettMem.verify(counts.get(EMMETT_MEMORY)!, sessionIds)).map(
        (v) => `${EMMETT_MEMORY}: ${v}`,
      ),
    );

    return [
      {
        id: 'pg-create',
        title: '1. PostgreSQL create: the full handler, the same-writes floor and Emmett',
        about: ABOUT_PG,
        tables: [sqlTable],
        verified: verified.filter((v) => !v.startsWith('in memory') && !v.startsWith(EMMETT_MEMORY)),
      },
      {
        id: 'memory-create',
        title: '2. In-memory create: the full handler and Emmett',
        about: ABOUT_MEMORY,
        tables: [memoryTable],
        verified: verified.filter((v) => v.startsWith('in memory') || v.startsWith(EMMETT_MEMORY)),
      },
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
];

/**
 * Workload 6: PostgreSQL create rate and get latency with 10,000 and with 1,000,000 existing sessions, in
 * a schema per size, the sizes measured in interleaved runs.
 *
 * Seeding: one session per studio is created through the handler, then the rest are copied from those
 * templates with set-based SQL, every row the adapter's commit writes (session stream, SessionRequested
 * event, SessionSlotReserved event on the studio's ledger at the next version, client token, view row,
 * provisioning job), with the session id and client token replaced in the JSON payloads; the ledger
 * streams get their version and snapshot, folded with the domain's `evolveLedger`. Request fingerprints
 * are the templates'. The handler then works on the seeded data: its cached ledger versions are stale, so
 * its first commit in each studio conflicts and reloads the ledger, and every get reads a seeded session.
 */
import {
  evolveLedger,
  type QuotaLedgerEvent,
  type QuotaLedgerState,
  type SessionSlot,
} from '../../src/domain.js';
import { ledgerStreamId } from '../../src/application/streams.js';
import { ARTIST, createInput, STUDIOS, studioId } from '../lib/fixtures.js';
import type { Pool } from '../lib/library.js';
import { log, measureCases, QUICK, type Case, type CaseResult } from '../lib/measure.js';
import { postgres, type OpenStorage } from '../lib/storages.js';
import type { Profiler, Table, WorkloadResult } from './types.js';

export const SIZES: readonly number[] = QUICK ? [1_000, 20_000] : [10_000, 1_000_000];
export const growthCase = (op: 'create' | 'get', size: number): string =>
  `${op}, ${size.toLocaleString('en-US')} existing`;

const seededId = (g: number): string => `Sd${String(g).padStart(20, '0')}`;

interface TemplateSession {
  readonly studioId: string;
  readonly sessionId: string;
  readonly clientToken: string;
}

/** Copies the templates into sessions numbered [from, to): set-based, one statement per table. */
async function seed(
  pool: Pool,
  schema: string,
  templates: readonly TemplateSession[],
  from: number,
  to: number,
): Promise<void> {
  const s = `"${schema}"`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local synchronous_commit = off`);
    await client.query(
      `create temporary table seed_ids on commit drop as
       select g, t.studio_id, t.session_id as tmpl, t.token as tmpl_token,
              'Sd' || lpad(g::text, 20, '0') as sid, 'seed-' || g as token
       from generate_series($1::bigint, $2::bigint - 1) as g
       join unnest($3::text[], $4::text[], $5::text[]) with ordinality as t(studio_id, session_id, token, i)
         on t.i - 1 = g % $6`,
      [
        from,
        to,
        templates.map((t) => t.studioId),
        templates.map((t) => t.sessionId),
        templates.map((t) => t.clientToken),
        templates.length,
      ],
    );
    const swap = (col: string) =>
      `replace(replace(${col}::text, x.tmpl, x.sid), x.tmpl_token, x.token)::jsonb`;
    const stream = (x: string, id: string) => `'StreamingSession:' || ${x}.studio_id || '/' || ${x}.${id}`;
    await client.query(
      `insert into ${s}.streams (stream_id, studio_id, version, snapshot, snapshot_version)
       select ${stream('x', 'sid')}, x.studio_id, st.version, st.snapshot, st.snapshot_version
       from seed_ids x join ${s}.streams st on st.stream_id = ${stream('x', 'tmpl')} and st.studio_id = x.studio_id`,
    );
    // The templates' events, once: the joins below are then by studio, not by a scan of a growing stream.
    await client.query(
      `create temporary table tmpl_events on commit drop as
       select t.studio_id, 'session' as stream, e.version, e.type, e.type_version, e.data, e.metadata
       from (select distinct studio_id, tmpl from seed_ids) t
       join ${s}.events e on e.stream_id = ${stream('t', 'tmpl')} and e.studio_id = t.studio_id
       union all
       select t.studio_id, 'ledger', null, e.type, e.type_version, e.data, e.metadata
       from (select distinct studio_id, tmpl from seed_ids) t
       join ${s}.events e on e.stream_id = 'QuotaLedger:' || t.studio_id and e.studio_id = t.studio_id
         and e.type = 'SessionSlotReserved' and e.data->>'sessionId' = t.tmpl`,
    );
    await client.query(
      `insert into ${s}.events (stream_id, version, studio_id, position, type, type_version, data, metadata, recorded_at, transaction_id)
       select ${stream('x', 'sid')}, e.version, x.studio_id, nextval('${s}.event_position'), e.type, e.type_version,
              ${swap('e.data')}, e.metadata, now(), pg_current_xact_id()
       from seed_ids x join tmpl_events e on e.studio_id = x.studio_id and e.stream = 'session'
       order by x.g, e.version`,
    );
    await client.query(
      `insert into ${s}.events (stream_id, version, studio_id, position, type, type_version, data, metadata, recorded_at, transaction_id)
       select l.stream_id, l.version + row_number() over (partition by x.studio_id order by x.g), x.studio_id,
              nextval('${s}.event_position'), e.type, e.type_version, ${swap('e.data')}, e.metadata, now(), pg_current_xact_id()
       from seed_ids x
       join ${s}.streams l on l.stream_id = 'QuotaLedger:' || x.studio_id and l.studio_id = x.studio_id
       join tmpl_events e on e.studio_id = x.studio_id and e.stream = 'ledger'
       order by x.g`,
    );
    await client.query(
      `insert into ${s}.client_tokens
         (studio_id, operation, client_token, fingerprint, entity_kind, entity_id, expires_at)
       select c.studio_id, c.operation, x.token, c.fingerprint, c.entity_kind, x.sid, c.expires_at
       from seed_ids x join ${s}.client_tokens c
         on c.studio_id = x.studio_id and c.entity_kind = 'session' and c.entity_id = x.tmpl`,
    );
    await client.query(
      `insert into ${s}.session_views (studio_id, session_id, version, state, created_at, created_by, owned_by, session)
       select v.studio_id, x.sid, v.version, v.state, v.created_at, v.created_by, v.owned_by, ${swap('v.session')}
       from seed_ids x join ${s}.session_views v on v.studio_id = x.studio_id and v.session_id = x.tmpl`,
    );
    await client.query(
      `insert into ${s}.jobs (studio_id, entity_kind, entity_id, kind, owner, due_at, attempts, last_error)
       select j.studio_id, j.entity_kind, x.sid, j.kind, j.owner, j.due_at, j.attempts, j.last_error
       from seed_ids x join ${s}.jobs j
         on j.studio_id = x.studio_id and j.entity_kind = 'session' and j.entity_id = x.tmpl`,
    );
    // The ledgers: version and snapshot as the commits would have left them.
    const { rows } = await client.query<{ studio_id: string; n: string }>(
      `select studio_id, count(*) as n from seed_ids group by studio_id`,
    );
    for (const row of rows) {
      const ledger = await client.query<{ version: string; snapshot: QuotaLedgerState }>(
        `select version, snapshot from ${s}.streams where stream_id = $1 and studio_id = $2`,
        [ledgerStreamId(row.studio_id), row.studio_id],
      );
      const reserved = await client.query<{ data: SessionSlot }>(
        `select data from tmpl_events where studio_id = $1 and stream = 'ledger'`,
        [row.studio_id],
      );
      let state = ledger.rows[0]!.snapshot;
      const event: QuotaLedgerEvent = {
        type: 'SessionSlotReserved',
        version: 1,
        data: reserved.rows[0]!.data,
      };
      for (let i = 0; i < Number(row.n); i++) state = evolveLedger(state, event);
      const version = Number(ledger.rows[0]!.version) + Number(row.n);
      await client.query(
        `update ${s}.streams set version = $3, snapshot = $4::jsonb, snapshot_version = $3
         where stream_id = $1 and studio_id = $2`,
        [ledgerStreamId(row.studio_id), row.studio_id, version, JSON.stringify(state)],
      );
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  for (const table of ['streams', 'events', 'client_tokens', 'session_views', 'jobs'])
    await pool.query(`analyze ${s}.${table}`);
  // Write the seeded pages out now rather than during the measurement.
  await pool.query('checkpoint');
}

/** One size's store: a schema of its own, seeded to `size` sessions, with the cases that measure it. */
interface SizedStore {
  readonly size: number;
  readonly open: OpenStorage;
  /** Seeded sessions, numbered 0 to seeded - 1 (the templates are not among them). */
  readonly seeded: number;
  /** Creates measured on it, warm-ups included. */
  creates: number;
}

async function openSized(pool: Pool, size: number, notes: string[]): Promise<SizedStore> {
  const open = await postgres.open({ pool, workload: `growth_${String(size)}` });
  try {
    const templates: TemplateSession[] = [];
    for (let i = 0; i < STUDIOS; i++) {
      const input = createInput(i, `growth-template-${String(size)}`);
      const created = await open.sessions.createStreamingSession(input, ARTIST);
      templates.push({
        studioId: input.studioId,
        sessionId: created._unsafeUnwrap().sessionId,
        clientToken: input.clientToken!,
      });
    }
    const started = performance.now();
    log(`workload 6: seeding a schema to ${size.toLocaleString('en-US')} sessions`);
    await seed(pool, open.schema!, templates, 0, size - STUDIOS);
    notes.push(
      `Seeding to ${size.toLocaleString('en-US')} sessions took ${((performance.now() - started) / 1000).toFixed(1)} s (with ANALYZE and a CHECKPOINT).`,
    );
    return { size, open, seeded: size - STUDIOS, creates: 0 };
  } catch (error) {
    await open.close();
    throw error;
  }
}

function casesOf(store: SizedStore): Case[] {
  const { size, open, seeded } = store;
  return [
    {
      name: growthCase('create', size),
      op: async (n) => {
        const result = await open.sessions.createStreamingSession(
          createInput(n, `growth-${String(size)}`),
          ARTIST,
        );
        if (result.isErr()) throw new Error(`create failed: ${result.error.message}`);
        store.creates++;
      },
    },
    {
      name: growthCase('get', size),
      op: async (n) => {
        // A seeded session spread over the whole table: most are not in shared buffers at the larger size.
        const g = (n * 7_919_003) % seeded;
        const got = await open.sessions.getStreamingSession(
          { studioId: studioId(g % STUDIOS), sessionId: seededId(g) },
          ARTIST,
        );
        if (got.isErr()) throw new Error(`get of a seeded session failed: ${got.error.message}`);
      },
    },
  ];
}

export async function growthWorkload(pool: Pool, profile: Profiler): Promise<WorkloadResult> {
  const notes: string[] = [];
  const stores: SizedStore[] = [];
  try {
    for (const size of SIZES) stores.push(await openSized(pool, size, notes));
    log('workload 6: growth, the sizes interleaved');
    const cases = stores.flatMap(casesOf);
    const results = await measureCases('growth', cases);
    const table = growthTable(results);
    const largest = cases.find((c) => c.name === growthCase('create', SIZES.at(-1)!))!;
    await profile([table], 'growth-create', () =>
      import('../lib/measure.js').then(({ runLanes }) => runLanes(8, 3, largest.op)),
    );
    const verified: string[] = [];
    for (const store of stores) {
      const held = STUDIOS + store.seeded + store.creates;
      const label = `${store.size.toLocaleString('en-US')} schema`;
      verified.push(...(await store.open.verify(held)).map((line) => `${label}: ${line}`));
    }
    return {
      id: 'growth',
      title: '6. Growth: PostgreSQL create and get with 10,000 and 1,000,000 existing sessions',
      about: [
        `A schema per size, seeded to ${SIZES.map((s) => s.toLocaleString('en-US')).join(' and to ')} sessions spread over ${String(STUDIOS)} studios`,
        '(see bench/workloads/growth.ts for how: every row a create writes, copied with set-based SQL from',
        'sessions created through the handler), then the sizes measured in interleaved runs like every other',
        'table, so that load from elsewhere falls on both alike. Creates as in workload 1; each get reads a',
        'seeded session chosen across the whole table, so at the larger size most reads miss shared buffers.',
      ],
      tables: [table],
      verified,
      notes,
    };
  } finally {
    for (const store of stores) await store.open.close();
  }
}

function growthTable(results: readonly CaseResult[]): Table {
  const [small, large] = [SIZES[0]!, SIZES.at(-1)!];
  return {
    title: 'Growth: creates and gets per second by existing sessions',
    cases: Object.fromEntries(
      SIZES.flatMap((size) => [
        [growthCase('create', size), 'create through the full handler'],
        [growthCase('get', size), 'get of a seeded session through the full handler'],
      ]),
    ),
    results,
    ratios: [
      { of: growthCase('create', large), to: growthCase('create', small) },
      { of: growthCase('get', large), to: growthCase('get', small) },
    ],
  };
}

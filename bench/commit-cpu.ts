/**
 * The database side of a PostgreSQL create: PostgreSQL's CPU per call, read from /proc for the one backend
 * serving one connection, for three statements run in interleaved rounds on that connection:
 *
 * - the create's commit argument given to a statement that only parses it (`$1::jsonb is not null`): the
 *   round trip, the argument and an empty transaction;
 * - the same-writes floor of workload 1: the rows of a create written by one plain statement;
 * - `commit_unit` with that create's unit of work: what the adapter runs.
 *
 * Results go to the "PostgreSQL commit, database side" section of docs/benchmarks.md.
 *
 *   npm run --prefix bench commit-cpu        (PostgreSQL on this machine: /proc is read)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { commitArgument } from '../src/adapters/postgres/event-store.js';
import { migrate } from '../src/adapters/postgres/index.js';
import { ExpectedVersion, type UnitOfWork } from '../src/application/ports/event-store.js';
import { ledgerStreamId, sessionStreamId } from '../src/application/streams.js';
import { writeBenchmarkSection } from './doc-section.js';
import { ARTIST, createInput, STUDIOS, studioId } from './lib/fixtures.js';
import { captureTemplate, floorSql } from './lib/floor.js';
import { newPool } from './lib/library.js';
import { median } from './lib/measure.js';
import { serverInfo } from './lib/postgres.js';
import { postgres } from './lib/storages.js';

const ROUNDS = 7;
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);

/** CPU time (µs) of one process so far, from /proc; the kernel counts it in clock ticks. */
function processCpuUs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond;
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const pool = newPool(2);
  const open = await postgres.open({ pool, workload: 'commit_cpu' });
  const floorSchema = `${open.schema!}_floor`;
  const client = await pool.connect();
  try {
    const postgresInfo = await serverInfo(pool);
    // Every studio's catalog entries and ledger warm, and one create to copy the rows of.
    let first: string | undefined;
    for (let i = 0; i < STUDIOS; i++) {
      const created = await open.sessions.createStreamingSession(createInput(i, 'commit-cpu'), ARTIST);
      first ??= created._unsafeUnwrap().sessionId;
    }
    // The rows of the create in studio 0, the floor's template too.
    const template = await captureTemplate(pool, open.schema!, first!);
    const token = await pool.query<{ fingerprint: string; expires_at: number }>(
      `select fingerprint, expires_at from "${open.schema!}".client_tokens where entity_id = $1`,
      [first!],
    );
    await migrate(pool, { schema: floorSchema });
    await pool.query(
      `insert into "${floorSchema}".streams (stream_id, studio_id, version)
       select 'QuotaLedger:' || id, id, 0 from unnest($1::text[]) as id`,
      [Array.from({ length: STUDIOS }, (_, i) => studioId(i))],
    );

    // The create's unit of work, as the handler committed it, for a new session id and client token each
    // call, in studio 0, whose ledger is then at `ledgerVersion`.
    const studio = studioId(0);
    let ledgerVersion = Number(
      (
        await pool.query<{ version: string }>(
          `select version from "${open.schema!}".streams where stream_id = $1`,
          [ledgerStreamId(studio)],
        )
      ).rows[0]!.version,
    );
    const swap = (json: string, sessionId: string) =>
      JSON.parse(json.split(template.sessionId).join(sessionId)) as unknown;
    const unitFor = (n: number): string => {
      const sessionId = `CommitCpu${String(n).padStart(13, '0')}`;
      const now = Date.now();
      const unit: UnitOfWork = {
        appends: [
          {
            streamId: sessionStreamId(studio, sessionId),
            studioId: studio,
            expected: ExpectedVersion.noStream,
            events: [{ type: 'SessionRequested', version: 1, data: swap(template.requested, sessionId) }],
          },
          {
            streamId: ledgerStreamId(studio),
            studioId: studio,
            expected: ExpectedVersion.after(ledgerVersion),
            events: [{ type: 'SessionSlotReserved', version: 1, data: swap(template.reserved, sessionId) }],
            snapshot: JSON.parse(template.ledger) as unknown,
          },
        ],
        views: [
          {
            studioId: studio,
            entity: { kind: 'session', id: sessionId },
            version: 1,
            body: swap(template.session, sessionId) as never,
          },
        ],
        schedule: [
          { studioId: studio, entity: { kind: 'session', id: sessionId }, kind: 'provision', dueAt: now },
        ],
        clientToken: {
          studioId: studio,
          operation: 'CreateStreamingSession',
          clientToken: `commit-cpu-${String(n)}`,
          fingerprint: token.rows[0]!.fingerprint,
          entity: { kind: 'session', id: sessionId },
          expiresAt: now + 3_600_000,
        },
      };
      return commitArgument(unit, now);
    };

    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    let n = 0;
    const floorText = floorSql(`"${floorSchema}"`);
    const cases: { title: string; call: () => Promise<unknown> }[] = [
      {
        title: "the commit's argument parsed, nothing written",
        call: () =>
          client.query({ name: 'cpu-parse', text: 'select $1::jsonb is not null', values: [unitFor(n++)] }),
      },
      {
        title: 'the same-writes floor (one plain statement)',
        call: () => {
          const sessionId = `CommitCpuFloor${String(n++).padStart(8, '0')}`;
          const floorStudio = studioId(n % STUDIOS);
          return client.query({
            name: 'cpu-floor',
            text: floorText,
            values: [
              sessionStreamId(floorStudio, sessionId),
              floorStudio,
              ledgerStreamId(floorStudio),
              template.requested.split(template.sessionId).join(sessionId),
              template.reserved.split(template.sessionId).join(sessionId),
              template.ledger,
              template.session.split(template.sessionId).join(sessionId),
              `floor-${String(n)}`,
              sessionId,
            ],
          });
        },
      },
      {
        title: '`commit_unit` with the unit of work of a create',
        call: async () => {
          const argument = unitFor(n++);
          await client.query({
            name: 'cpu-commit',
            text: `select "${open.schema!}".commit_unit($1::jsonb)`,
            values: [argument],
          });
          ledgerVersion++;
        },
      },
    ];
    for (const c of cases) for (let i = 0; i < 200; i++) await c.call(); // warm-up: plans cached
    const runs = cases.map(() => [] as number[]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of cases.entries()) {
        const before = processCpuUs(pid, ticks);
        for (let k = 0; k < CALLS; k++) await c.call();
        runs[i]!.push((processCpuUs(pid, ticks) - before) / CALLS);
      }
    }
    const micros = runs.map(median);
    for (const [i, c] of cases.entries()) process.stdout.write(`${c.title}: ${micros[i]!.toFixed(0)} µs\n`);
    const doc = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
    const config = (await resolveConfig(doc)) ?? {};
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run --prefix bench commit-cpu\` (bench/commit-cpu.ts) on Node ${process.version},`,
      `${String(cpus().length)} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, PostgreSQL ${postgresInfo.version} on 127.0.0.1 (\`synchronous_commit\` = ${postgresInfo.settings.synchronous_commit ?? '?'},`,
      `\`fsync\` = ${postgresInfo.settings.fsync ?? '?'}); load average when the run began: ${load.toFixed(1)}.`,
      `One connection, one statement at a time; CPU of the backend serving it (from /proc) per call, the median`,
      `of ${String(ROUNDS)} interleaved rounds of ${String(CALLS)} calls after a warm-up. Each call is its own transaction.`,
      '',
      '| call | PostgreSQL CPU per call (µs) |',
      '|---|---|',
      ...cases.map((c, i) => `| ${c.title} | ${micros[i]!.toFixed(0)} |`),
      '',
      "How to read it: the first row is what any call carrying a create's argument costs the database (the",
      'round trip, parsing 3 KB of JSON, an empty transaction); the floor adds the rows and the flush of the',
      "WAL at commit; `commit_unit` adds the adapter's checks and its structure. A `perf record -g` of one",
      'backend running `commit_unit` calls (by hand, 2026-11-30; `perf report --children`) put 25 % of its',
      'time in the commit (the WAL flush, mostly in the kernel), 8 % in parsing the argument, 8 % in sending',
      'the answer, and 48 % in the function, of which the statements it runs took 38 %: setting up their',
      'executor about 10 % in all, inserts into indexes 6 % and tables 5 %, the ON CONFLICT arbiter checks',
      '3 %. For a create the function runs five statements (the client token, the query of its loop over the',
      'appends, one per append, and the views, jobs and events together) where the floor runs one. Running',
      'the loop without its query was tried; its CPU per call stayed within the noise, so it was not kept.',
    ].join('\n');
    writeBenchmarkSection(
      'PostgreSQL commit, database side',
      (await format(body, { ...config, parser: 'markdown' })).trimEnd(),
    );
    process.stdout.write('Written to docs/benchmarks.md, section "PostgreSQL commit, database side".\n');
  } finally {
    client.release();
    await pool.query(`drop schema if exists "${floorSchema}" cascade`);
    await open.close();
    await pool.end();
  }
}

await main();

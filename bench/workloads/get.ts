/** Workload 3: GetStreamingSession on PostgreSQL beside a raw primary-key SELECT of the same view row. */
import { ARTIST, createInput, studioId, STUDIOS } from '../lib/fixtures.js';
import type { Pool } from '../lib/library.js';
import { log, measureCases } from '../lib/measure.js';
import { postgres } from '../lib/storages.js';
import type { Profiler, WorkloadResult } from './types.js';

export const SESSIONS = 2_000;
export const GET_HANDLER = 'handler, PostgreSQL';
export const GET_RAW = 'raw primary-key SELECT';

/** Creates `n` sessions through the handler, 32 at a time; returns their (studio, session) keys. */
export async function createSessions(
  create: (n: number) => Promise<{ studioId: string; sessionId: string }>,
  n: number,
): Promise<{ studioId: string; sessionId: string }[]> {
  const keys: { studioId: string; sessionId: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) keys.push(await create(next++));
    }),
  );
  return keys;
}

export async function getWorkload(pool: Pool, profile: Profiler): Promise<WorkloadResult> {
  const open = await postgres.open({ pool, workload: 'get' });
  try {
    const keys = await createSessions(async (n) => {
      const created = await open.sessions.createStreamingSession(createInput(n, 'get'), ARTIST);
      return { studioId: studioId(n % STUDIOS), sessionId: created._unsafeUnwrap().sessionId };
    }, SESSIONS);
    const text = `select version, session::text as session from "${open.schema!}".session_views
                  where studio_id = $1 and session_id = $2`;
    const pick = (n: number) => keys[(n * 7919) % keys.length]!;
    const cases = [
      {
        name: GET_HANDLER,
        op: async (n: number) => {
          const key = pick(n);
          const got = await open.sessions.getStreamingSession(key, ARTIST);
          if (got.isErr() || got.value.sessionId !== key.sessionId)
            throw new Error('get returned another result');
        },
      },
      {
        name: GET_RAW,
        op: async (n: number) => {
          const key = pick(n);
          const { rows } = await pool.query<{ session: string }>({
            name: `bench-get-${open.schema!}`,
            text,
            values: [key.studioId, key.sessionId],
          });
          if (rows.length !== 1) throw new Error('the raw select found no row');
        },
      },
    ];
    log('workload 3: get on PostgreSQL');
    const results = await measureCases('PostgreSQL get', cases);
    const table = {
      title: 'Gets per second, PostgreSQL',
      cases: {
        [GET_HANDLER]:
          '`getStreamingSession` through the full handler (validation, view row, access check, API view)',
        [GET_RAW]:
          'a prepared `select version, session::text` of the view row by its primary key, from the same pool',
      },
      results,
      ratios: [{ of: GET_HANDLER, to: GET_RAW }],
      cpu: 'client-and-database' as const,
    };
    await profile([table], 'pg-get', () =>
      import('../lib/measure.js').then(({ runLanes }) => runLanes(8, 3, cases[0]!.op)),
    );
    return {
      id: 'pg-get',
      title: '3. Get on PostgreSQL beside a raw primary-key SELECT',
      about: [
        `${String(SESSIONS)} sessions created through the handler in a schema of its own; each get reads one of them`,
        'in turn. Every get is checked to return the session asked for.',
      ],
      tables: [table],
      verified: await open.verify(SESSIONS),
    };
  } finally {
    await open.close();
  }
}

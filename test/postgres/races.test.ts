/**
 * Races with real concurrency: four OS processes, each with its own pool and its own service, creating
 * sessions in one schema at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/adapters/postgres/catalog.js';
import { quotaStudio, raceSeed, ROOMY_STUDIO } from './race-seed.js';
import { count, dropSchema, freshSchema, newPool } from './support.js';
import type { CreateAnswer } from './workers/creator.js';
import { startChild, stopChild, type Child } from './workers/harness.js';

const PROCESSES = 4;
const ROUNDS = 100;
const QUOTA = 5;
const pool = newPool(4);
let schema: string | undefined;
let children: Child[] = [];

/** A deterministic shuffle, so each process meets the tokens in its own order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const creates = (
  child: Child,
  items: readonly { studioId: string; clientToken?: string }[],
  concurrency: number,
) =>
  child
    .request<{ answers: CreateAnswer[] }>({ type: 'creates', items, concurrency })
    .then((reply) => reply.answers);

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_race');
  await loadSeed(pool, raceSeed(ROUNDS, QUOTA), { schema });
  const s = schema;
  children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild('creator.ts', [s])));
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map(stopChild));
  await dropSchema(pool, schema);
  await pool.end();
});

describe('PostgreSQL races across processes', () => {
  it('10,000 creates over 1,000 client tokens make exactly 1,000 sessions, one answer per token', async () => {
    const tokens = Array.from({ length: 1000 }, (_, i) => `race-token-${i}`);
    // Each process gets every token 2.5 times on average, in its own order, 16 creates in flight.
    const perProcess = children.map((_, p) =>
      shuffled(
        Array.from({ length: 10_000 / PROCESSES }, (_, i) => tokens[(i * PROCESSES + p) % tokens.length]!),
        p + 1,
      ).map((clientToken) => ({ studioId: ROOMY_STUDIO, clientToken })),
    );
    const answers = await Promise.all(children.map((child, p) => creates(child, perProcess[p]!, 16)));

    const byToken = new Map<string, Set<string>>();
    answers.forEach((list, p) => {
      list.forEach((answer, i) => {
        expect(answer).toHaveProperty('ok');
        const token = perProcess[p]![i]!.clientToken;
        const set = byToken.get(token) ?? new Set<string>();
        set.add((answer as { ok: string }).ok);
        byToken.set(token, set);
      });
    });
    expect(byToken.size).toBe(1000);
    for (const ids of byToken.values()) expect(ids.size).toBe(1);
    expect(new Set([...byToken.values()].flatMap((ids) => [...ids])).size).toBe(1000);

    const s = `"${schema!}"`;
    expect(
      await count(pool, `select count(*) as n from ${s}.session_views where studio_id = $1`, [ROOMY_STUDIO]),
    ).toBe(1000);
    expect(
      await count(pool, `select count(*) as n from ${s}.client_tokens where studio_id = $1`, [ROOMY_STUDIO]),
    ).toBe(1000);
    expect(await count(pool, `select count(*) as n from ${s}.events where type = 'SessionRequested'`)).toBe(
      1000,
    );
    expect(await count(pool, `select count(*) as n from ${s}.jobs`)).toBe(1000);
    expect(
      await count(pool, `select (state->>'total')::int as n from ${s}.quota_ledgers where studio_id = $1`, [
        ROOMY_STUDIO,
      ]),
    ).toBe(1000);
  }, 240_000);

  it(`64 concurrent creates against a quota of ${QUOTA} make exactly ${QUOTA} sessions, ${ROUNDS} times over`, async () => {
    const perProcess = 64 / PROCESSES;
    for (let round = 0; round < ROUNDS; round++) {
      const studioId = quotaStudio(round);
      const items = Array.from({ length: perProcess }, () => ({ studioId }));
      const answers = (await Promise.all(children.map((child) => creates(child, items, perProcess)))).flat();
      const created = answers.filter((a) => 'ok' in a);
      const refused = answers.filter((a) => 'err' in a);
      expect(created, `round ${round}`).toHaveLength(QUOTA);
      expect(new Set(refused.map((a) => (a as { err: string }).err))).toEqual(
        new Set(['ServiceQuotaExceededException']),
      );
    }
    const { rows } = await pool.query<{ studio_id: string; sessions: string; total: number }>(
      `select v.studio_id, count(*) as sessions, max((l.state->>'total')::int) as total
       from "${schema!}".session_views v join "${schema!}".quota_ledgers l using (studio_id)
       where v.studio_id like '%racequota%' group by v.studio_id`,
    );
    expect(rows).toHaveLength(ROUNDS);
    for (const row of rows) expect([Number(row.sessions), row.total]).toEqual([QUOTA, QUOTA]);
  }, 240_000);
});

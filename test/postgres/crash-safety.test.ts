/**
 * A process killed with SIGKILL in the middle of a stream of creates leaves no torn state, and every
 * create it acknowledged is there.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSeed } from '../../src/adapters/postgres/catalog.js';
import { raceSeed, ROOMY_STUDIO } from './race-seed.js';
import { count, dropSchema, freshSchema, newPool } from './support.js';
import type { CreateAnswer } from './workers/creator.js';
import { startChild, stopChild, type Child } from './workers/harness.js';

const pool = newPool(4);
let schema: string | undefined;
const children: Child[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_kill');
  await loadSeed(pool, raceSeed(0, 5), { schema });
}, 60_000);

afterAll(async () => {
  await Promise.all(children.map(stopChild));
  await dropSchema(pool, schema);
  await pool.end();
});

interface Ack {
  readonly clientToken: string;
  readonly sessionId?: string;
}

describe('PostgreSQL crash safety', () => {
  it('keeps every acknowledged create and tears nothing when the creating process is killed', async () => {
    const s = `"${schema!}"`;
    const stream = await startChild('create-stream.ts', [schema!, ROOMY_STUDIO, 'kill']);
    children.push(stream);
    await vi.waitFor(
      () => {
        expect(stream.reports.length).toBeGreaterThanOrEqual(300);
      },
      {
        timeout: 120_000,
        interval: 5,
      },
    );
    stream.process.kill('SIGKILL');
    expect(await stream.exited).toBe('SIGKILL');
    const acks = (stream.reports as Ack[]).filter((a) => a.sessionId !== undefined);
    expect(acks.length).toBe(stream.reports.length);

    // Every acknowledged create: its token, its events, its view row and its outbox job.
    const { rows } = await pool.query<{ client_token: string; entity_id: string }>(
      `select t.client_token, t.entity_id from ${s}.client_tokens t
       join ${s}.session_views v on v.studio_id = t.studio_id and v.session_id = t.entity_id
       join ${s}.jobs o on o.studio_id = t.studio_id and o.entity_kind = t.entity_kind
                         and o.entity_id = t.entity_id
       where exists (select 1 from ${s}.events e
                     where e.stream_id = 'StreamingSession:' || t.studio_id || '/' || t.entity_id
                       and e.type = 'SessionRequested')`,
    );
    const stored = new Map(rows.map((r) => [r.client_token, r.entity_id]));
    for (const ack of acks) expect(stored.get(ack.clientToken)).toBe(ack.sessionId);

    // Nothing torn, acknowledged or not: tokens, streams, views, jobs and the ledger agree.
    const sessions = await count(pool, `select count(*) as n from ${s}.session_views`);
    expect(sessions).toBeGreaterThanOrEqual(acks.length);
    expect(await count(pool, `select count(*) as n from ${s}.client_tokens`)).toBe(sessions);
    expect(await count(pool, `select count(*) as n from ${s}.jobs`)).toBe(sessions);
    expect(await count(pool, `select count(*) as n from ${s}.events where type = 'SessionRequested'`)).toBe(
      sessions,
    );
    expect(
      await count(
        pool,
        `select count(*) as n from ${s}.events e where e.type = 'SessionRequested' and not exists (
           select 1 from ${s}.session_views v
           where e.stream_id = 'StreamingSession:' || v.studio_id || '/' || v.session_id)`,
      ),
    ).toBe(0);
    expect(
      await count(pool, `select (state->>'total')::int as n from ${s}.quota_ledgers where studio_id = $1`, [
        ROOMY_STUDIO,
      ]),
    ).toBe(sessions);
    expect(
      await count(pool, `select version as n from ${s}.quota_ledgers where studio_id = $1`, [ROOMY_STUDIO]),
    ).toBe(sessions);

    // Retrying every token the killed process may have started gets the same session for each one
    // acknowledged, and one session per token overall.
    const retry = await startChild('creator.ts', [schema!]);
    children.push(retry);
    const tokens = Array.from({ length: acks.length + 32 }, (_, i) => `kill-${i}`);
    const answers = (
      await retry.request<{ answers: CreateAnswer[] }>({
        type: 'creates',
        items: tokens.map((clientToken) => ({ studioId: ROOMY_STUDIO, clientToken })),
        concurrency: 8,
      })
    ).answers;
    const retried = new Map(tokens.map((t, i) => [t, (answers[i] as { ok: string }).ok]));
    for (const ack of acks) expect(retried.get(ack.clientToken)).toBe(ack.sessionId);
    // The killed process had at most eight creates in flight, all within these tokens.
    const total = await count(pool, `select count(*) as n from ${s}.session_views`);
    expect(total).toBe(tokens.length);
    expect(await count(pool, `select count(*) as n from ${s}.client_tokens`)).toBe(total);
    expect(new Set(retried.values()).size).toBe(tokens.length);
  }, 240_000);
});

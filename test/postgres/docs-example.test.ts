/**
 * docs/postgres.md shows code that runs: its marked example is executed here against the real server,
 * in a schema of its own.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, expect, it, vi } from 'vitest';
import { DATABASE_URL, dropSchema, newPool } from './support.js';

const doc = readFileSync(new URL('../../docs/postgres.md', import.meta.url), 'utf8');
const tmp = new URL('./.docs-example/', import.meta.url);
const schema = `nss_docs_${process.pid}`;
const pool = newPool(2);

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await dropSchema(pool, schema);
  await pool.end();
});

it("runs docs/postgres.md's example: a session created on PostgreSQL reaches READY", async () => {
  const example =
    /<!-- The block below is run by test\/postgres\/docs-example\.test\.ts\. -->\s*```ts\n([\s\S]*?)\n```/.exec(
      doc,
    )?.[1];
  expect(example, 'the marked example block').toBeDefined();
  mkdirSync(tmp, { recursive: true });
  const file = new URL('./example.ts', tmp);
  writeFileSync(file, `${example ?? ''}\nexport {};\n`);
  vi.stubEnv('DATABASE_URL', DATABASE_URL);
  vi.stubEnv('NSS_SCHEMA', schema);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(/* @vite-ignore */ file.href);
    expect(log.mock.calls.map((args) => args.join(' '))).toEqual(['CREATE_IN_PROGRESS', 'READY']);
  } finally {
    log.mockRestore();
    vi.unstubAllEnvs();
  }
});

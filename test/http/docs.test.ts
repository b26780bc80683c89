/** Runs the SDK example of docs/http.md, as written, against a server on a free port. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const doc = readFileSync(new URL('../../docs/http.md', import.meta.url), 'utf8');
// `*.tmp.ts` is ignored by git; the file exists only while this test runs.
const file = new URL('./docs-example.tmp.ts', import.meta.url);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  rmSync(file, { force: true });
  await server.close();
});

it('runs the SDK example of docs/http.md: create, wait until READY, a typed quota error, list', async () => {
  const example =
    /<!-- The block below is run by test\/http\/docs\.test\.ts[^>]*-->\s*```ts\n([\s\S]*?)\n```/.exec(
      doc,
    )?.[1];
  expect(example, 'the marked example block').toBeDefined();
  const code = (example ?? '').replace("'http://127.0.0.1:8080'", `'${server.url}'`);
  expect(code).toContain(server.url);
  writeFileSync(file, `${code}\nexport {};\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(/* @vite-ignore */ file.href);
    const lines = log.mock.calls.map((args) => args.join(' '));
    expect(lines[0]).toBe('CREATE_IN_PROGRESS');
    expect(lines[1]).toBe('READY true');
    expect(lines[2]).toMatch(/^ServiceQuotaExceededException 402 \S+$/);
    expect(lines.slice(3)).toEqual(['true READY']);
  } finally {
    log.mockRestore();
  }
}, 60_000);

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const tmp = new URL('./.readme-example/', import.meta.url);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

it("runs the README's embedding example: a session reaches READY", async () => {
  const example =
    /<!-- The block below is run by test\/docs\/readme\.test\.ts\. -->\s*```ts\n([\s\S]*?)\n```/.exec(
      readme,
    )?.[1];
  expect(example, 'the marked example block').toBeDefined();
  mkdirSync(tmp, { recursive: true });
  const file = new URL('./example.ts', tmp);
  writeFileSync(file, `${example ?? ''}\nexport {};\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(/* @vite-ignore */ file.href);
    const lines = log.mock.calls.map((args) => args.join(' '));
    expect(lines[0]).toMatch(/^CREATE_IN_PROGRESS \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[1]).toBe('READY');
  } finally {
    log.mockRestore();
  }
});

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = fileURLToPath(
  new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url),
);

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** Runs the project's layering rules over `src` of a directory and returns the violations. */
function violations(cwd: string): Violation[] {
  let output: string;
  try {
    output = execFileSync(
      process.execPath,
      [depcruise, 'src', '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'json'],
      { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch (error) {
    // dependency-cruiser exits non-zero when it finds violations; the report is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(output) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

describe('the layering check', () => {
  it('finds no violation in the project', () => {
    expect(violations(root)).toEqual([]);
  });

  it('fails each broken arrow of the fixture, and nothing else', () => {
    const found = violations(fileURLToPath(new URL('./fixtures/layering/', import.meta.url)))
      .map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
      .sort();
    expect(found).toEqual([
      'adapters-do-not-import-each-other: src/adapters/postgres/catalog.ts -> src/adapters/in-memory/catalog.ts',
      'adapters-do-not-import-the-root: src/adapters/http/routes.ts -> src/streaming-sessions.ts',
      'application-knows-no-adapter: src/application/uses-adapter.ts -> src/adapters/store.ts',
      'domain-is-pure: src/domain/impure.ts -> crypto',
      'domain-no-core-modules: src/domain/impure.ts -> crypto',
    ]);
  });
});

// Only the pure domain's tests, for mutation testing of src/domain (`npx stryker run
// stryker.domain.config.json`): the adapters' suites (PostgreSQL, HTTP) are slower, need services, and
// cover no domain code the domain tests do not. Same aliases as vitest.config.ts; `include` is replaced.
// (A .js file because tsconfig.json, which the type-aware lint reads, lists only vitest.config.ts.)
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/domain/**/*.test.ts'] },
});

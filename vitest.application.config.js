// The application layer's tests on in-memory storage, for mutation testing of the command pipeline, the
// session plug-ins and the job steps (`npm run test:mutation:application`): the storage adapters' suites
// need services and cover no application code these do not. Same aliases as vitest.config.ts.
// (A .js file because tsconfig.json, which the type-aware lint reads, lists only vitest.config.ts.)
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/application/**/*.test.ts'] },
});

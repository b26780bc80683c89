// The application layer's specification on in-memory storage, for mutation testing of the command
// pipeline, the session plug-ins, the handlers and the job steps (`npm run test:mutation:application`).
// The suites that state their rules directly; the slow ones (property and model runs, bursts, heap
// bounds, the docs' examples) and the storage adapters' suites cover no rule these do not, and would
// make a run take hours. Same aliases as vitest.config.ts.
// (A .js file because tsconfig.json, which the type-aware lint reads, lists only vitest.config.ts.)
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/application/pipeline.test.ts',
      'test/application/lifecycle.test.ts',
      'test/application/provisioning.test.ts',
      'test/application/scheduled-jobs.test.ts',
      'test/application/quota.test.ts',
      'test/application/idempotency.test.ts',
      'test/application/create-and-get.test.ts',
      'test/application/create-errors.test.ts',
      'test/application/standing.test.ts',
      'test/application/client-token-retention.test.ts',
      'test/application/two-processes.test.ts',
    ],
  },
});

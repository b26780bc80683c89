import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the package by its public name, so they exercise exactly what the exports map publishes.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^nimble-streaming-sessions\/domain$/,
        replacement: fileURLToPath(new URL('./src/domain.ts', import.meta.url)),
      },
      {
        find: /^nimble-streaming-sessions\/testing$/,
        replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      },
      {
        find: /^nimble-streaming-sessions\/http$/,
        replacement: fileURLToPath(new URL('./src/http.ts', import.meta.url)),
      },
      {
        find: /^nimble-streaming-sessions\/postgres$/,
        replacement: fileURLToPath(new URL('./src/adapters/postgres/index.ts', import.meta.url)),
      },
      {
        find: /^nimble-streaming-sessions$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The JSON report lets CI print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

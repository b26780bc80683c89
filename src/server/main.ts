#!/usr/bin/env node
/**
 * `npm start`: the streaming-session API over HTTP, with the demo seed, on embedded PostgreSQL in
 * ./.nimble-data unless told otherwise (`npm start -- --help`). Stops gracefully on SIGINT and SIGTERM.
 */
import { banner } from './banner.js';
import { parseServerOptions, usage } from './options.js';
import { startServer, type RunningServer } from './start.js';

const FORCED_EXIT_AFTER_MS = 10_000;

function stopOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting.\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping (finishing requests in flight)…\n`);
    // Should something hold the event loop open after a clean close, do not hang forever.
    setTimeout(() => {
      process.stderr.write(`Still running ${FORCED_EXIT_AFTER_MS} ms after ${signal}; exiting.\n`);
      process.exit(1);
    }, FORCED_EXIT_AFTER_MS).unref();
    server.close().then(
      () => {
        process.stdout.write('Stopped.\n');
      },
      (error: unknown) => {
        process.stderr.write(
          `Error while stopping: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<number> {
  const parsed = parseServerOptions(process.argv.slice(2), process.env);
  if (parsed.isErr()) {
    process.stderr.write(`${parsed.error}\n\n${usage()}`);
    return 2;
  }
  if (parsed.value === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const options = parsed.value;
  const server = await startServer(options);
  stopOnSignals(server);
  process.stdout.write(banner(server, options));
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

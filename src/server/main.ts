#!/usr/bin/env node
/**
 * `npm start`: the streaming-session API over HTTP, with the demo seed, on embedded PostgreSQL in
 * ./.nimble-data unless told otherwise (`npm start -- --help`). Stops gracefully on SIGINT and SIGTERM.
 */
import type { Seed } from '../application/seed.js';
import { regionOfStudio } from '../domain/index.js';
import { parseServerOptions, usage, type ServerOptions } from './options.js';
import { startServer, type RunningServer } from './start.js';

const FORCED_EXIT_AFTER_MS = 10_000;

interface Example {
  readonly studioId: string;
  readonly launchProfileId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

/** A studio user of the seed who may launch on one of its launch profiles: what the examples sign as. */
function exampleOf(seed: Seed): Example | undefined {
  for (const studio of seed.studios.filter((s) => s.state === 'READY')) {
    const admins = (studio.studioMembers ?? []).map((m) => m.principalId);
    for (const profile of seed.launchProfiles ?? []) {
      if (profile.studioId !== studio.studioId || profile.state !== 'READY') continue;
      const members = (profile.launchProfileMembers ?? []).map((m) => m.principalId);
      const users = (seed.credentials ?? []).filter((c) => c.kind === 'STUDIO_USER');
      const credential =
        users.find((c) => members.includes(c.principalId)) ??
        users.find((c) => admins.includes(c.principalId));
      if (credential === undefined) continue;
      return {
        studioId: studio.studioId,
        launchProfileId: profile.launchProfileId,
        accessKeyId: credential.accessKeyId,
        secretAccessKey: credential.secretAccessKey,
        region: regionOfStudio(studio.studioId, 'us-west-2'),
      };
    }
  }
  return undefined;
}

function banner(server: RunningServer, options: ServerOptions): string {
  const url = server.url;
  const lines = [
    '',
    `Nimble streaming-session API listening on ${url}`,
    `  storage: ${server.storageDescription}; seed: ${options.seedFile}`,
    `  provisioner: simulated, instances boot in ${options.provisionerLatencyMs} ms`,
    `  health: ${server.probes.health}  readiness: ${server.probes.ready}`,
    `  metrics: ${server.probes.metrics ?? 'off (--metrics on to serve them)'}`,
  ];
  const e = exampleOf(server.seed);
  if (e !== undefined) {
    const cli = `aws nimble --endpoint-url ${url} --region ${e.region}`;
    lines.push(
      '',
      'AWS CLI:',
      `  export AWS_ACCESS_KEY_ID=${e.accessKeyId} AWS_SECRET_ACCESS_KEY=${e.secretAccessKey}`,
      `  ${cli} create-streaming-session --studio-id ${e.studioId} --launch-profile-id ${e.launchProfileId}`,
      `  ${cli} wait streaming-session-ready --studio-id ${e.studioId} --session-id <sessionId>`,
      `  ${cli} get-streaming-session --studio-id ${e.studioId} --session-id <sessionId>`,
      '',
      'JavaScript (@aws-sdk/client-nimble):',
      `  import { NimbleClient, CreateStreamingSessionCommand, waitUntilStreamingSessionReady } from '@aws-sdk/client-nimble';`,
      `  const client = new NimbleClient({ endpoint: '${url}', region: '${e.region}',`,
      `    credentials: { accessKeyId: '${e.accessKeyId}', secretAccessKey: '${e.secretAccessKey}' } });`,
      `  const { session } = await client.send(new CreateStreamingSessionCommand({`,
      `    studioId: '${e.studioId}', launchProfileId: '${e.launchProfileId}' }));`,
      `  await waitUntilStreamingSessionReady({ client, maxWaitTime: 120 },`,
      `    { studioId: '${e.studioId}', sessionId: session.sessionId });`,
    );
  }
  lines.push('', 'Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

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

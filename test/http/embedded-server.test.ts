/**
 * `npm start`'s default storage, embedded PostgreSQL in a data directory, as a user meets it: a session
 * created with the real SDK outlives the server (stopped with SIGTERM, or killed with SIGKILL mid-boot),
 * with its client token and its quota slot, and its provisioning resumes to READY. A second server on the
 * same directory refuses to start.
 */
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  NimbleClient,
  ServiceQuotaExceededException,
  waitUntilStreamingSessionReady,
} from '@aws-sdk/client-nimble';
import type { Seed } from 'nimble-streaming-sessions';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIST, ARTIST_PROFILE, STUDIO_ID } from './harness.js';
import { endpointOf, ROOT, startServerProcess, type ServerProcess } from './server-process.js';

const running: ServerProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const server of running) server.signal('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A data directory and a demo seed whose studio holds two sessions, so that a lost slot would show. */
async function workspace(): Promise<{ dataDir: string; seedFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'nss-embedded-'));
  dirs.push(dir);
  const seed = JSON.parse(await readFile(join(ROOT, 'seeds/demo.json'), 'utf8')) as Seed;
  const seedFile = join(dir, 'seed.json');
  await writeFile(
    seedFile,
    JSON.stringify({
      ...seed,
      studios: seed.studios.map((s) => ({ ...s, quotas: { ...s.quotas, maxSessions: 2 } })),
    }),
  );
  return { dataDir: join(dir, 'data'), seedFile };
}

async function start(
  settings: { dataDir: string; seedFile: string },
  build: boolean,
): Promise<{ server: ServerProcess; client: NimbleClient }> {
  const server = startServerProcess(
    { DATA_DIR: settings.dataDir, SEED_FILE: settings.seedFile, PROVISIONER_LATENCY_MS: '3000' },
    { build },
  );
  running.push(server);
  const endpoint = await endpointOf(server);
  return { server, client: new NimbleClient({ endpoint, region: 'us-west-2', credentials: ARTIST }) };
}

const create = (clientToken: string) =>
  new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE, clientToken });

describe.each(['SIGTERM', 'SIGKILL'] as const)(
  'npm start on its data directory, stopped with %s',
  (signal) => {
    it('keeps the session, its client token and its quota slot, and provisioning resumes to READY', async () => {
      const settings = await workspace();
      const first = await start(settings, signal === 'SIGTERM');
      expect(first.server.output()).toContain(`embedded PostgreSQL in ${settings.dataDir}`);
      const { session } = await first.client.send(create('durable-1'));
      const sessionId = session!.sessionId!;
      expect(session?.state).toBe('CREATE_IN_PROGRESS');
      first.client.destroy();

      // Mid-boot: the instance takes 3 s, and the server goes now.
      first.server.signal(signal);
      await first.server.closed;
      if (signal === 'SIGTERM') expect(first.server.output()).toContain('Stopped.');

      const second = await start(settings, false);
      try {
        const got = await second.client.send(
          new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }),
        );
        expect(got.session?.sessionId).toBe(sessionId);
        // The client token: the same request answers with the same session, not a new one.
        const replayed = await second.client.send(create('durable-1'));
        expect(replayed.session?.sessionId).toBe(sessionId);
        // The quota slot: the studio holds two, so one more fits and the next is refused.
        await second.client.send(create('durable-2'));
        await expect(second.client.send(create('durable-3'))).rejects.toBeInstanceOf(
          ServiceQuotaExceededException,
        );
        // The boot that was in progress completes.
        const waited = await waitUntilStreamingSessionReady(
          { client: second.client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
          { studioId: STUDIO_ID, sessionId },
        );
        expect(waited.state).toBe('SUCCESS');
      } finally {
        second.client.destroy();
      }
      second.server.signal('SIGTERM');
      await second.server.closed;
      expect(second.server.output()).toContain('Stopped.');
      // A clean stop leaves the directory free.
      await expect(access(join(settings.dataDir, 'nimble.lock'))).rejects.toThrow();
    }, 240_000);
  },
);

describe('two servers on one data directory', () => {
  it('refuses the second with a message that says which process holds it, and serves on with the first', async () => {
    const settings = await workspace();
    const first = await start(settings, false);
    const pid = /"pid":(\d+)/.exec(await readFile(join(settings.dataDir, 'nimble.lock'), 'utf8'))?.[1];
    const second = startServerProcess(
      { DATA_DIR: settings.dataDir, SEED_FILE: settings.seedFile },
      { build: false },
    );
    running.push(second);
    const [code] = await second.closed;
    expect(code).not.toBe(0);
    expect(second.output()).toContain(`The data directory ${settings.dataDir} is in use by process ${pid}`);
    expect(second.output()).not.toContain('listening on');
    try {
      const { session } = await first.client.send(create('still-serving'));
      expect(session?.state).toBe('CREATE_IN_PROGRESS');
    } finally {
      first.client.destroy();
    }
    first.server.signal('SIGTERM');
    await first.server.closed;
  }, 240_000);
});

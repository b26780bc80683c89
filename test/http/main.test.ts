/**
 * The quick start: `npm start` from the package root (it builds first, as on a fresh clone), called with
 * the real SDK using the demo seed's credentials, then stopped with SIGTERM. Then its default storage,
 * embedded PostgreSQL in a data directory, as a user meets it: a session created with the real SDK
 * outlives the server (stopped with SIGTERM, or killed with SIGKILL mid-boot), with its client token and
 * its quota slot, and its provisioning resumes to READY; a second server on the same directory refuses to
 * start. One file, so that the build the first test runs never overlaps a server starting from it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { endpointOf, startServerProcess, type ServerProcess } from './server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves with the first match of `pattern` in the child's output so far and to come. */
function waitFor(child: ChildProcess, output: { text: string }, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output.text);
      if (match !== null) {
        child.stdout?.off('data', check);
        resolve(match);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      reject(new Error(`exited with ${String(code)} before printing ${String(pattern)}:\n${output.text}`));
    });
    check();
  });
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    if (child?.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the demo seed to the SDK and stops cleanly on SIGTERM', async () => {
    // The quick start runs with nothing configured: whatever the test environment sets must not leak in.
    // Only the data directory is a fresh one, so that earlier runs' sessions do not fill the demo quota.
    dataDir = await mkdtemp(join(tmpdir(), 'nss-quick-start-'));
    const unset = [
      'DATABASE_URL',
      'STORAGE',
      'SEED_FILE',
      'HOST',
      'THROTTLE_RATE',
      'THROTTLE_BURST',
      'BODY_LIMIT',
    ];
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.includes(name))),
      DATA_DIR: dataDir,
      PORT: '0',
      PROVISIONER_LATENCY_MS: '300',
      LOG_LEVEL: 'warn',
    };
    const output = { text: '' };
    child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));

    const [, endpoint = ''] = await waitFor(child, output, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    expect(output.text).toContain(`storage: embedded PostgreSQL in ${dataDir}`);
    expect(output.text).toContain(`export AWS_ACCESS_KEY_ID=${ARTIST.accessKeyId}`);
    expect(output.text).toContain(`--endpoint-url ${endpoint} --region us-west-2 create-streaming-session`);

    const client = new NimbleClient({ endpoint, region: 'us-west-2', credentials: ARTIST });
    try {
      const { session } = await client.send(
        new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
      );
      expect(session?.state).toBe('CREATE_IN_PROGRESS');
      const waited = await waitUntilStreamingSessionReady(
        { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { studioId: STUDIO_ID, sessionId: session!.sessionId! },
      );
      expect(waited.state).toBe('SUCCESS');
    } finally {
      client.destroy();
    }

    // 'close' waits for the output pipes, which the server holds until it has really exited.
    const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    process.kill(-child.pid!, 'SIGTERM');
    const [code, signal] = await closed;
    // npm re-raises the signal on itself once its script has exited; the server's own words say how it went.
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(output.text).toContain('SIGTERM: stopping');
    expect(output.text).toContain('Stopped.');
    // A worker or connection that did not let go would have run into the forced exit instead.
    expect(output.text).not.toContain('exiting');
  }, 180_000);
});

describe('npm start under a burst of creates', () => {
  let child: ChildProcess | undefined;
  let seedDir: string | undefined;
  afterAll(async () => {
    if (child?.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    if (seedDir !== undefined) await rm(seedDir, { recursive: true, force: true });
  });

  /** The resident memory of the server's processes (npm, its shell and node), in MiB. */
  function residentMb(pgid: number): number {
    const out = execFileSync('ps', ['-o', 'rss=', '-g', String(pgid)], { encoding: 'utf8' });
    return Math.max(0, ...out.split('\n').map((line) => Number(line.trim()) || 0)) / 1024;
  }

  it('takes 200 sessions with a 2 s boot to READY, answering Gets throughout (real SDK)', async () => {
    const SESSIONS = 200;
    seedDir = await mkdtemp(join(tmpdir(), 'nss-burst-'));
    const seedFile = join(seedDir, 'seed.json');
    const seed = JSON.parse(await readFile(join(ROOT, 'seeds/demo.json'), 'utf8')) as Seed;
    await writeFile(
      seedFile,
      JSON.stringify({
        ...seed,
        studios: seed.studios.map((s) => ({ ...s, quotas: { ...s.quotas, maxSessions: 1000 } })),
      }),
    );
    const unset = ['DATABASE_URL', 'STORAGE', 'HOST', 'THROTTLE_BURST', 'BODY_LIMIT'];
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.includes(name))),
      // The default storage, embedded PostgreSQL, in a directory of this test's own.
      DATA_DIR: join(seedDir, 'data'),
      PORT: '0',
      SEED_FILE: seedFile,
      PROVISIONER_LATENCY_MS: '2000',
      THROTTLE_RATE: '0',
      LOG_LEVEL: 'warn',
    };
    const output = { text: '' };
    // The first test built the package; --ignore-scripts skips prestart's build.
    child = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    const [, endpoint = ''] = await waitFor(child, output, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    const pgid = child.pid!;
    const rssBefore = residentMb(pgid);

    const client = new NimbleClient({ endpoint, region: 'us-west-2', credentials: ARTIST });
    try {
      const created = await Promise.all(
        Array.from({ length: SESSIONS }, (_, i) =>
          client.send(
            new CreateStreamingSessionCommand({
              studioId: STUDIO_ID,
              launchProfileId: ARTIST_PROFILE,
              clientToken: `burst-${i}`,
            }),
          ),
        ),
      );
      const ids = created.map((c) => c.session!.sessionId!);
      const started = performance.now();
      let slowestGetMs = 0;
      let rssPeak = rssBefore;
      const pending = new Set(ids);
      while (pending.size > 0 && performance.now() - started < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rssPeak = Math.max(rssPeak, residentMb(pgid));
        for (const sessionId of [...pending]) {
          const t = performance.now();
          const { session } = await client.send(
            new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }),
          );
          slowestGetMs = Math.max(slowestGetMs, performance.now() - t);
          if (session?.state !== 'READY') break;
          pending.delete(sessionId);
        }
      }
      const readyAfterMs = performance.now() - started;
      console.info('npm start burst', { readyAfterMs, slowestGetMs, rssBefore, rssPeak });
      expect(pending.size).toBe(0);
      // Bounds far above what a healthy server takes (about 3 s and 0.1 s here), so that a machine busy
      // with other tests cannot trip them: a starved event loop never answers at all.
      expect(readyAfterMs).toBeLessThan(25_000);
      expect(slowestGetMs).toBeLessThan(5_000);
      expect(rssPeak - rssBefore).toBeLessThan(200);
      expect(child.exitCode).toBeNull();
      expect(output.text).not.toMatch(/heap out of memory|"level":50/);
    } finally {
      client.destroy();
    }
    const closed = once(child, 'close');
    process.kill(-child.pid!, 'SIGTERM');
    await closed;
    expect(output.text).toContain('Stopped.');
  }, 180_000);
});

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

/** `npm start` without its build step: the first test of this file built the package. */
async function start(settings: {
  dataDir: string;
  seedFile: string;
}): Promise<{ server: ServerProcess; client: NimbleClient }> {
  const server = startServerProcess(
    { DATA_DIR: settings.dataDir, SEED_FILE: settings.seedFile, PROVISIONER_LATENCY_MS: '3000' },
    { build: false },
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
    it('keeps the session, its client token and its quota slot, provisioning resumes, and a second server on the directory is refused', async () => {
      const settings = await workspace();
      const first = await start(settings);
      expect(first.server.output()).toContain(`embedded PostgreSQL in ${settings.dataDir}`);
      const { session } = await first.client.send(create('durable-1'));
      const sessionId = session!.sessionId!;
      expect(session?.state).toBe('CREATE_IN_PROGRESS');
      first.client.destroy();

      // Mid-boot: the instance takes 3 s, and the server goes now.
      first.server.signal(signal);
      await first.server.closed;
      if (signal === 'SIGTERM') expect(first.server.output()).toContain('Stopped.');

      const second = await start(settings);
      try {
        if (signal === 'SIGTERM') {
          // Two servers on one data directory: the next one refuses, naming the holder, and never listens.
          const holder = /"pid":(\d+)/.exec(await readFile(join(settings.dataDir, 'nimble.lock'), 'utf8'));
          const third = startServerProcess(
            { DATA_DIR: settings.dataDir, SEED_FILE: settings.seedFile },
            { build: false },
          );
          running.push(third);
          const [code] = await third.closed;
          expect(code).not.toBe(0);
          expect(third.output()).toContain(
            `The data directory ${settings.dataDir} is in use by process ${holder?.[1] ?? '?'}`,
          );
          expect(third.output()).not.toContain('listening on');
        }
        // The server that holds the directory serves on: everything below.
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

/**
 * The quick start: `npm start` from the package root (it builds first, as on a fresh clone), called with
 * the real SDK using the demo seed's credentials, then stopped with SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  NimbleClient,
  waitUntilStreamingSessionReady,
} from '@aws-sdk/client-nimble';
import type { Seed } from 'nimble-streaming-sessions';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIST, ARTIST_PROFILE, STUDIO_ID } from './harness.js';

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
    child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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

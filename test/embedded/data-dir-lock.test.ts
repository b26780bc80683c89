/** One process per data directory: the lock file, a live holder, a stale one left by a killed process. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataDirectoryInUseError,
  LOCK_FILE,
  lockDataDirectory,
} from '../../src/adapters/postgres/data-dir-lock.js';
import { embeddedPostgres } from '../../src/adapters/postgres/embedded.js';

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nss-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The id of a process that has exited: nothing answers to it any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('lockDataDirectory', () => {
  it('takes a free directory, refuses it twice in one process, and gives it back on release', async () => {
    const dir = await dataDir();
    const release = await lockDataDirectory(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await expect(lockDataDirectory(dir)).rejects.toBeInstanceOf(DataDirectoryInUseError);
    await release();
    const again = await lockDataDirectory(dir);
    await again();
  });

  it('refuses a directory a live process holds, naming it', async () => {
    const dir = await dataDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: 'h', since: 'then' }));
      const error = await lockDataDirectory(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirectoryInUseError);
      expect((error as Error).message).toContain(`in use by process ${String(holder.pid)}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that is gone, and one left empty by a writer that died', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: 'h', since: 'then' }));
    const release = await lockDataDirectory(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
    await writeFile(join(dir, LOCK_FILE), '');
    const again = await lockDataDirectory(dir);
    await again();
  });

  it('takes over a lock whose process was killed but not yet reaped (a zombie)', async () => {
    const dir = await dataDir();
    // `sleep 0.1` exits under a parent (the exec'd `sleep 30`) that never waits for it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = Number(
        await new Promise<string>((resolve) =>
          parent.stdout.once('data', (d: Buffer) => {
            resolve(d.toString());
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const state = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
      expect(state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3)).toBe('Z');
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, host: 'h', since: 'then' }));
      const release = await lockDataDirectory(dir);
      await release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('lets exactly one of several simultaneous starters win', async () => {
    const dir = await dataDir();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => lockDataDirectory(dir)));
    // One process, so every starter but the first finds its own pid there: one wins, four are refused.
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(DataDirectoryInUseError);
    for (const o of outcomes) if (o.status === 'fulfilled') await o.value();
  });
});

describe('embeddedPostgres on a path it cannot use', () => {
  it('fails to open with a message naming the path, and can be closed', async () => {
    const dir = await dataDir();
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    const storage = embeddedPostgres({ dataDir: file });
    await expect(storage.open()).rejects.toThrow(`Cannot use ${file} as the data directory`);
    await storage.close();
  });
});

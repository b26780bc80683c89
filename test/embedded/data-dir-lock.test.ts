/** One process per data directory: the lock file, a live holder, a stale one left by a killed process. */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, copyFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataDirectoryInUseError,
  LOCK_FILE,
  lockDataDirectory,
} from '../../src/adapters/postgres/embedded/data-dir-lock.js';
import { embeddedPostgres } from '../../src/adapters/postgres/embedded/embedded.js';
import type { ContenderAnswer } from './lock-contender.js';

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
    await expect(access(join(dir, LOCK_FILE))).rejects.toThrow();
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
      // A directory this release has held and given back, then taken by a server of an earlier release
      // (which writes only that file): still refused.
      const used = await dataDir();
      const releaseUsed = await lockDataDirectory(used);
      await releaseUsed();
      await writeFile(join(used, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: 'h', since: 'then' }));
      await expect(lockDataDirectory(used)).rejects.toThrow(`in use by process ${String(holder.pid)}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock naming this process when this process does not hold it (a restarted pid 1)', async () => {
    // A lock file as an earlier release leaves it, naming this process's id.
    const planted = await dataDir();
    await writeFile(join(planted, LOCK_FILE), JSON.stringify({ pid: process.pid, host: 'h', since: 'then' }));
    const releasePlanted = await lockDataDirectory(planted);
    await releasePlanted();
    // What a server killed while holding a directory leaves, when the next one has its id: the lock
    // files of a directory this process holds, copied to another directory.
    const held = await dataDir();
    const left = await dataDir();
    const release = await lockDataDirectory(held);
    try {
      for (const name of await readdir(held)) {
        if (name.startsWith(LOCK_FILE)) await copyFile(join(held, name), join(left, name));
      }
      expect(JSON.parse(await readFile(join(left, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
      const releaseLeft = await lockDataDirectory(left);
      // The directory this process really holds is still refused.
      await expect(lockDataDirectory(held)).rejects.toBeInstanceOf(DataDirectoryInUseError);
      await releaseLeft();
    } finally {
      await release();
    }
  });

  it('refuses a directory this process holds under another path to it, and in another database', async () => {
    const dir = await dataDir();
    const link = join(await dataDir(), 'link');
    await symlink(dir, link);
    const release = await lockDataDirectory(dir);
    await expect(lockDataDirectory(link)).rejects.toBeInstanceOf(DataDirectoryInUseError);
    await release();
    const first = embeddedPostgres({ dataDir: link });
    const second = embeddedPostgres({ dataDir: dir });
    try {
      await first.open();
      await expect(second.open()).rejects.toBeInstanceOf(DataDirectoryInUseError);
    } finally {
      await second.close();
      await first.close();
    }
    const free = await lockDataDirectory(dir);
    await free();
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
    // One process, which refuses a directory it is already taking: one wins, four are refused.
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(DataDirectoryInUseError);
    for (const o of outcomes) if (o.status === 'fulfilled') await o.value();
  });
});

/** A child process that contends for a lock on request (`lock-contender.ts`). */
interface Contender {
  readonly process: ChildProcess;
  readonly pid: number;
}

async function startContender(): Promise<Contender> {
  const child = fork(fileURLToPath(new URL('./lock-contender.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  return { process: child, pid: child.pid ?? 0 };
}

/** Sends one request and resolves with the child's one answer to it. */
async function ask(contender: Contender, request: Record<string, unknown>): Promise<ContenderAnswer> {
  const answer = once(contender.process, 'message');
  contender.process.send(request);
  return (await answer)[0] as ContenderAnswer;
}

async function kill(contender: Contender): Promise<void> {
  const exited = once(contender.process, 'exit');
  contender.process.kill('SIGKILL');
  await exited;
}

/** Rounds of the race below; more by hand: `LOCK_RACE_ROUNDS=600 npx vitest run <this file> -t 'at once'`. */
const RACE_ROUNDS = Number(process.env.LOCK_RACE_ROUNDS ?? 45);
const CONTENDERS = 5;

describe('lockDataDirectory across processes', () => {
  it(
    `lets exactly one of ${String(CONTENDERS)} processes started at once hold the directory, round after round`,
    async () => {
      // Each directory sees three rounds: on a stale lock left by a process that is gone (planted, as an
      // earlier release or a crash leaves it), on the lock left by the first round's holder, killed with
      // SIGKILL, and on the lock the second round's holder gave back. Every contender holds what it got
      // until all have answered, so two answers "held" in one round are two holders at once.
      const gone = deadPid();
      const situations = ['stale, planted', 'stale, holder killed', 'given back'] as const;
      const contenders = await Promise.all(Array.from({ length: CONTENDERS }, () => startContender()));
      const tally = Object.fromEntries(
        situations.map((s) => [s, { rounds: 0, moreThanOneHolder: 0, noHolder: 0, refusedNamingAnother: 0 }]),
      );
      try {
        let dir = '';
        for (let round = 0; round < RACE_ROUNDS; round++) {
          const situation = situations[round % 3]!;
          if (situation === 'stale, planted') {
            dir = await dataDir();
            await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: gone, host: 'h', since: 'then' }));
          }
          const at = Date.now() + 30;
          const answers = await Promise.all(contenders.map((c) => ask(c, { type: 'try', dir, at })));
          const holders = answers.filter((a) => a.type === 'tried' && a.held).map((a) => a.pid);
          const counts = tally[situation]!;
          counts.rounds++;
          if (holders.length > 1) counts.moreThanOneHolder++;
          if (holders.length === 0) counts.noHolder++;
          const refusedRight = answers.every(
            (a) =>
              a.type !== 'tried' ||
              a.held ||
              (a.error === 'DataDirectoryInUseError' &&
                a.message.includes(`in use by process ${String(holders[0])} `)),
          );
          if (!refusedRight) counts.refusedNamingAnother++;
          if (situation === 'stale, planted') {
            // The holders are killed: the next round starts on the lock they leave.
            for (let i = 0; i < contenders.length; i++) {
              if (holders.includes(contenders[i]!.pid)) {
                await kill(contenders[i]!);
                contenders[i] = await startContender();
              }
            }
          }
          await Promise.all(contenders.map((c) => ask(c, { type: 'release' })));
        }
      } finally {
        for (const c of contenders) c.process.kill('SIGKILL');
      }
      const clean = (s: (typeof situations)[number]) => ({
        rounds: Math.floor((RACE_ROUNDS + 2 - situations.indexOf(s)) / 3),
        moreThanOneHolder: 0,
        noHolder: 0,
        refusedNamingAnother: 0,
      });
      expect(tally).toEqual(Object.fromEntries(situations.map((s) => [s, clean(s)])));
    },
    60_000 + RACE_ROUNDS * 1_000,
  );
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

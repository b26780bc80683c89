import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { link, open, readdir, readFile, realpath, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The lock file's name inside a data directory: while a process holds the directory, it names it. */
export const LOCK_FILE = 'nimble.lock';

/** What the lock file says about its holder. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** What a generation's file says: its holder, and when the holder gave the directory back, if it has. */
interface Claim extends Holder {
  readonly released?: string;
}

/** A data directory is held by another live process: the message says which, and what to do. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: Holder,
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${holder.pid} on ${holder.host} (since ` +
        `${holder.since}). One process at a time may open an embedded database: stop that one, give ` +
        'this one another data directory, or use a PostgreSQL server (DATABASE_URL) to share sessions ' +
        'between processes.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

/**
 * The directories this process holds (or is taking), by real path, with what their lock says. Kept on
 * `globalThis` so that two copies of this module loaded in one process still see each other's.
 */
const HELD: unique symbol = Symbol.for('nimble-streaming-sessions.data-directories-held');
const registry = globalThis as unknown as { [HELD]?: Map<string, Holder> };
const held = registry[HELD] ?? new Map<string, Holder>();
registry[HELD] = held;

/** How many times one start looks at the lock, while other starts keep moving it on under it. */
const ATTEMPTS = 10;

/** Link errors that mean the file system has no hard links (rather than that the name is taken). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Whether the process is running. A process that was killed stays a zombie until its parent (or init)
 * reaps it, and signal 0 still reaches a zombie: where `/proc` says so (Linux), a zombie counts as gone,
 * so a server restarted at once after SIGKILL is not refused by its own corpse.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return code(error) === 'EPERM';
  }
  try {
    // The state follows the command name, which is in parentheses and may itself contain them.
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // Gone meanwhile where /proc exists; elsewhere (not Linux) signal 0 is all there is to go by.
    return !existsSync('/proc/self/stat');
  }
}

function parseClaim(text: string): Claim | undefined {
  try {
    const claim = JSON.parse(text) as Partial<Record<keyof Claim, unknown>>;
    if (typeof claim.pid === 'number' && typeof claim.host === 'string') {
      const holder = { pid: claim.pid, host: claim.host, since: String(claim.since) };
      return typeof claim.released === 'string' ? { ...holder, released: claim.released } : holder;
    }
  } catch {
    // Empty or torn: the caller decides.
  }
  return undefined;
}

/**
 * What the file at `path` says, allowing a writer that has just created it a moment: an empty or torn
 * file is read again for up to a second before it counts as left by a process that died mid-write. Files
 * this module writes appear complete (below), so only a lock written by an earlier release, or on a file
 * system without hard links, can be caught half-written.
 */
async function settledClaim(path: string): Promise<Claim | 'missing' | 'unreadable'> {
  for (let i = 0; ; i++) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') return 'missing';
      throw error;
    }
    const claim = parseClaim(text);
    if (claim !== undefined) return claim;
    if (i === 9) return 'unreadable';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The live holder a claim names, if any. A claim given back, unreadable or naming a process that is gone
 * holds nothing. Nor does one naming this very process: the caller has checked that this process holds
 * nothing here, so such a file was left by an earlier process that had the same id (a container's
 * server is pid 1 again after a restart), as PostgreSQL judges its own pid in `postmaster.pid`.
 */
function liveHolder(claim: Claim | 'missing' | 'unreadable'): Holder | undefined {
  if (typeof claim === 'string' || claim.released !== undefined || claim.pid === process.pid)
    return undefined;
  return isAlive(claim.pid) ? { pid: claim.pid, host: claim.host, since: claim.since } : undefined;
}

function generationPath(dataDir: string, generation: number): string {
  return join(dataDir, `${LOCK_FILE}.${String(generation)}`);
}

/** The generation a directory entry is (`nimble.lock.<N>`, N ≥ 1), or undefined. */
function generationOf(name: string): number | undefined {
  const rest = name.startsWith(`${LOCK_FILE}.`) ? name.slice(LOCK_FILE.length + 1) : '';
  const generation = /^[1-9][0-9]*$/.test(rest) ? Number(rest) : Number.NaN;
  return Number.isSafeInteger(generation) ? generation : undefined;
}

const TEMP_FILE = new RegExp(`^${LOCK_FILE.replaceAll('.', '\\.')}\\.tmp\\.([0-9]+)\\.`);

/** The process id a temporary file of this module was written by (`nimble.lock.tmp.<pid>.<uuid>`). */
function tempWriter(name: string): number | undefined {
  const match = TEMP_FILE.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** The highest generation present, 0 if none (then `nimble.lock` alone, if anything, is the lock). */
async function topGeneration(dataDir: string): Promise<number> {
  let top = 0;
  for (const name of await readdir(dataDir)) top = Math.max(top, generationOf(name) ?? 0);
  return top;
}

/** Writes `content` to a new file of this process's own in the directory, synced, and returns its path. */
async function writeTemp(dataDir: string, content: string): Promise<string> {
  const temp = join(dataDir, `${LOCK_FILE}.tmp.${String(process.pid)}.${randomUUID()}`);
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  return temp;
}

/** Puts `content` at `path` complete and at once: `rename` over whatever is there. */
async function replace(dataDir: string, path: string, content: string): Promise<void> {
  const temp = await writeTemp(dataDir, content);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Creates `path` with `content`, complete, unless it exists (EEXIST): the content is written and synced
 * under a name of its own and then hard-linked to `path`, which fails if the name is taken. Where the
 * file system has no hard links, the file is created exclusively and written in place.
 */
async function create(dataDir: string, path: string, content: string): Promise<void> {
  const temp = await writeTemp(dataDir, content);
  try {
    await link(temp, path);
  } catch (error) {
    if (!NO_HARD_LINKS.has(code(error) ?? '')) throw error;
    const file = await open(path, 'wx');
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Removes what earlier generations and starts left: lower generations, and temporary files of the dead. */
async function tidy(dataDir: string, generation: number): Promise<void> {
  for (const name of await readdir(dataDir)) {
    const lower = (generationOf(name) ?? generation) < generation;
    const writer = tempWriter(name);
    if (lower || (writer !== undefined && (writer === process.pid || !isAlive(writer)))) {
      await unlink(join(dataDir, name)).catch(() => undefined);
    }
  }
}

/**
 * Gives generation `generation` back: removes `nimble.lock` if it names `me` (nothing else writes it while
 * `me` holds the generation), then marks the generation given back by renaming a copy over it, so that it
 * stays and generations never go back. Each step is tried even if the other fails; a step that fails
 * leaves a file naming this process, which is stale once it exits (and to this process itself).
 */
async function giveBack(dataDir: string, generation: number, me: Holder): Promise<void> {
  const lockFile = join(dataDir, LOCK_FILE);
  const named = parseClaim(await readFile(lockFile, 'utf8').catch(() => ''));
  if (named?.pid === me.pid && named.since === me.since) await unlink(lockFile).catch(() => undefined);
  const givenBack: Claim = { ...me, released: new Date().toISOString() };
  await replace(dataDir, generationPath(dataDir, generation), `${JSON.stringify(givenBack)}\n`).catch(
    () => undefined,
  );
}

/**
 * Takes the next generation, or throws `DataDirectoryInUseError`: the highest generation, and the lock
 * file, must name no live holder; then the next generation is created exclusively, and it is this
 * process's unless a later one is already there. Returns the generation taken.
 */
async function takeGeneration(dataDir: string, me: Holder): Promise<number> {
  let seen: Holder | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const top = await topGeneration(dataDir);
    const claim = await settledClaim(top === 0 ? join(dataDir, LOCK_FILE) : generationPath(dataDir, top));
    // Gone between the listing and the reading: only a later generation removes one, so look again.
    if (claim === 'missing' && top > 0) continue;
    const holder =
      liveHolder(claim) ?? (top > 0 ? liveHolder(await settledClaim(join(dataDir, LOCK_FILE))) : undefined);
    if (holder !== undefined) throw new DataDirectoryInUseError(dataDir, holder);
    if (typeof claim !== 'string') seen = claim;
    const next = top + 1;
    try {
      await create(dataDir, generationPath(dataDir, next), `${JSON.stringify(me)}\n`);
    } catch (error) {
      if (code(error) === 'EEXIST') continue; // another start took it: look at what it says
      throw error;
    }
    if ((await topGeneration(dataDir)) > next) {
      // `next` had been taken and removed while this start looked at an older listing: it is not the lock.
      await unlink(generationPath(dataDir, next)).catch(() => undefined);
      continue;
    }
    try {
      await tidy(dataDir, next);
      await replace(dataDir, join(dataDir, LOCK_FILE), `${JSON.stringify(me)}\n`);
    } catch (error) {
      await giveBack(dataDir, next, me);
      throw error;
    }
    return next;
  }
  throw new DataDirectoryInUseError(dataDir, seen ?? { pid: -1, host: me.host, since: 'unknown' });
}

/**
 * Takes a data directory for this process, the way PostgreSQL guards its own with `postmaster.pid`; a
 * lock left by a process that is gone (killed, crashed) is stale and taken over, one held by a live
 * process is refused with `DataDirectoryInUseError`. As with PostgreSQL, only the process id is checked
 * (the host is recorded for the message): a data directory belongs on a local disk of one machine, and a
 * container restarted with a new host name must still be able to take its volume back.
 * Returns the release function; release at close, after the database is closed.
 *
 * **Layout.** The lock is a sequence of generations: `nimble.lock.<N>` (N ≥ 1) names the process that
 * took generation N, and the highest N present is the lock. Its holder holds the directory unless the
 * file says it was given back, or the process is gone. `nimble.lock` names the holder too, while it
 * holds (for people, and for a server of an earlier release, which used only that file); where there is
 * no generation yet, `nimble.lock` alone is the lock, as generation 0, so a lock an earlier release left
 * is honoured while its process lives and taken over once it is gone. Every file is written under a name
 * of its own, synced, then linked (to create) or renamed (to replace) to its name: no one reads a file
 * half-written.
 *
 * **Taking.** A start lists the generations and reads the highest, N. If it (or `nimble.lock`) names a
 * live holder, the start is refused. Otherwise the start creates N + 1 by `link`, which fails if the
 * name exists: the loser of that race looks again and finds the winner's live claim. A winner then lists
 * again: if a generation above N + 1 is there, it saw an old listing (N + 1 had been taken, and removed
 * by a later winner), so it removes its file and looks again. Otherwise it holds the directory: it
 * removes the generations below its own and writes `nimble.lock`.
 *
 * **Giving back.** The holder removes `nimble.lock`, then renames over its generation a copy that says
 * it was given back. The highest generation is never removed, and a lower one only once a higher exists,
 * so the highest present never goes down.
 *
 * **Why two processes never both hold the directory.** Two facts: `link` creates a name only if it is
 * free, and a generation file is removed only while a higher one exists, so the highest generation
 * present never goes down. Say C holds generation c: it linked c, then listed and saw nothing higher.
 * (1) While C holds, no generation above c is created. Take the first created after C's listing: its
 * creator had listed N as the highest and created N + 1 > c. N > c cannot be: that file existed before
 * C's listing (C would have seen it, or a higher one) or was created after it (an earlier first). So
 * N = c, and the creator read file c to judge it stale. Read after C linked it, it was C's claim (its
 * removal needs a higher file, and there is none), naming a live process that has not given it back: the
 * creator was refused. Read before, it was an older file c, removed before C linked its own, so once a
 * higher file existed, which C's listing would have shown. (2) A start D that comes to hold the
 * directory while C holds it, with generation d: d > c contradicts (1), or C's listing if d was linked
 * before it; d < c, or c linked anew (the name had to be freed, which needs a higher file), means D's
 * own listing after its link showed a generation above d. So at most one holder at a time. Looking at
 * `nimble.lock` as well only refuses more. The argument needs that `link` is exclusive, that a live
 * holder is never judged gone (one machine and one process-id namespace, as for PostgreSQL), and that no
 * two starts in one process contend (below). Where the file system has no hard links, creating with
 * `O_EXCL` is as exclusive, but a file can be read half-written: a reader gives it a second.
 *
 * **This process's own id.** A lock naming this process is stale unless this process holds the
 * directory: a server restarted in a container is usually pid 1 again and must be able to take back the
 * volume it was killed on. So this process keeps the directories it holds (by real path), refuses a
 * second start on one of them before it looks at the files, and judges its own id in a file as left by
 * an earlier process.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  const key = await realpath(dataDir);
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const mine = held.get(key);
  if (mine !== undefined) throw new DataDirectoryInUseError(dataDir, mine);
  held.set(key, me);
  let generation: number;
  try {
    generation = await takeGeneration(dataDir, me);
  } catch (error) {
    held.delete(key);
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    try {
      await giveBack(dataDir, generation, me);
    } finally {
      held.delete(key);
    }
  };
}

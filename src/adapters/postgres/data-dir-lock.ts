import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The lock file's name inside a data directory. */
export const LOCK_FILE = 'nimble.lock';

/** What the lock file says about its holder. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
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
 * Whether the process is running. A process that was killed stays a zombie until its parent (or init)
 * reaps it, and signal 0 still reaches a zombie: where `/proc` says so (Linux), a zombie counts as gone,
 * so a server restarted at once after SIGKILL is not refused by its own corpse.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string') {
      return { pid: holder.pid, host: holder.host, since: String(holder.since) };
    }
  } catch {
    // Missing (released meanwhile), or not written yet or torn: the caller decides.
  }
  return undefined;
}

/**
 * The holder, allowing a starter that has just created the file a moment to write it: an empty or torn
 * file is read again for up to a second before it counts as left by a process that died mid-write.
 */
async function settledHolder(path: string): Promise<Holder | undefined> {
  for (let i = 0; i < 10; i++) {
    const holder = await readHolder(path);
    if (holder !== undefined) return holder;
    try {
      await stat(path);
    } catch {
      return undefined; // released meanwhile
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/**
 * Takes a data directory for this process, the way PostgreSQL guards its own with `postmaster.pid`: a
 * lock file created exclusively holds this process's id. A file left by a process that is gone (killed,
 * crashed) is stale and taken over; one held by a live process is refused with `DataDirectoryInUseError`.
 * As with PostgreSQL, only the process id is checked (the host is recorded for the message): a data
 * directory belongs on a local disk of one machine, and a container restarted with a new host name must
 * still be able to take its volume back.
 * Returns the release function; release at close, after the database is closed.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx');
      try {
        await file.writeFile(`${JSON.stringify(me)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      return async () => {
        const holder = await readHolder(path);
        if (holder?.pid === me.pid && holder.since === me.since) await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await settledHolder(path);
    if (holder !== undefined && (holder.pid === me.pid || isAlive(holder.pid))) {
      throw new DataDirectoryInUseError(dataDir, holder);
    }
    // Stale: its process is gone. Remove it and try again (another starter may win the new file).
    await unlink(path).catch(() => undefined);
  }
  const holder = await readHolder(path);
  throw new DataDirectoryInUseError(dataDir, holder ?? { pid: -1, host: me.host, since: 'unknown' });
}

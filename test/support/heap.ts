/**
 * The heap in use after full garbage collections: what a structure really retains, as opposed to what it
 * allocated on the way. The collector is reached through V8's flag at run time, so the tests need no
 * special command line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of heap in use once a few full collections (and the timers they release) have run. */
export async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** How many bytes `work` leaves retained after it has run (and garbage was collected on both sides). */
export async function retainedBy(work: () => Promise<void>): Promise<number> {
  const before = await heapAfterGc();
  await work();
  return (await heapAfterGc()) - before;
}

/** A distinct, long key: `length` characters, unique per `i`, as a hostile caller would send them. */
export function longKey(prefix: string, i: number, length = 2_000): string {
  const tail = String(i).padStart(8, '0');
  return `${prefix}${'x'.repeat(Math.max(0, length - prefix.length - tail.length))}${tail}`;
}

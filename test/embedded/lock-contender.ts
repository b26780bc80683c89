/**
 * A child process that contends for a data directory's lock on request, for the race test in
 * `data-dir-lock.test.ts`: `try` waits until the given moment, calls `lockDataDirectory` and answers
 * whether it now holds the directory (holding on if so); `release` gives back what it holds.
 *
 *   node --import tsx test/embedded/lock-contender.ts
 */
import { lockDataDirectory } from '../../src/adapters/postgres/embedded/data-dir-lock.js';

type Request =
  { readonly type: 'try'; readonly dir: string; readonly at: number } | { readonly type: 'release' };

export type ContenderAnswer =
  | { readonly type: 'tried'; readonly pid: number; readonly held: true }
  | {
      readonly type: 'tried';
      readonly pid: number;
      readonly held: false;
      readonly error: string;
      readonly message: string;
    }
  | { readonly type: 'released'; readonly pid: number };

let release: (() => Promise<void>) | undefined;

function answer(message: ContenderAnswer | { readonly ready: true }): void {
  process.send?.(message);
}

async function attempt(dir: string, at: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
  try {
    release = await lockDataDirectory(dir);
    answer({ type: 'tried', pid: process.pid, held: true });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    answer({ type: 'tried', pid: process.pid, held: false, error: e.name, message: e.message });
  }
}

process.on('message', (request: Request) => {
  if (request.type === 'try') {
    void attempt(request.dir, request.at);
  } else {
    const held = release;
    release = undefined;
    void (held?.() ?? Promise.resolve()).then(() => {
      answer({ type: 'released', pid: process.pid });
    });
  }
});
// The parent going away (disconnect) ends the child too.
process.on('disconnect', () => process.exit(0));
answer({ ready: true });

/**
 * `npm start` as a child process, in its own process group so that a signal reaches npm, its shell and
 * the server alike: started, read, signalled, awaited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Variables a developer or CI may have set that would change what `npm start` does. */
const INHERITED_SETTINGS = [
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'STORAGE',
  'DATA_DIR',
  'SEED_FILE',
  'HOST',
  'PORT',
  'THROTTLE_RATE',
  'THROTTLE_BURST',
  'BODY_LIMIT',
];

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, standard output and error together. */
  readonly output: () => string;
  /** Resolves with the exit code (or the signal) once the process and its pipes are closed. */
  readonly closed: Promise<[number | null, NodeJS.Signals | null]>;
  /** Sends a signal to the whole group. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/**
 * Runs `npm start` (or, with `build: false`, `npm start --ignore-scripts`, which skips the build that
 * `prestart` runs) from the package root with only the given settings.
 */
export function startServerProcess(
  env: Readonly<Record<string, string>>,
  { build = true }: { readonly build?: boolean } = {},
): ServerProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED_SETTINGS.includes(name)),
  );
  const args = build ? ['start'] : ['start', '--ignore-scripts'];
  const child = spawn('npm', args, {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    output: () => text,
    closed,
    signal: (signal) => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      }
    },
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const check = () => {
          const match = pattern.exec(text);
          if (match !== null) {
            finish();
            resolve(match);
          }
        };
        const exited = () => {
          finish();
          reject(new Error(`exited before printing ${String(pattern)}:\n${text}`));
        };
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('close', exited);
        };
        listeners.add(check);
        child.once('close', exited);
        check();
      }),
  };
}

/** The endpoint a started server printed. */
export async function endpointOf(server: ServerProcess): Promise<string> {
  const [, endpoint = ''] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
  return endpoint;
}

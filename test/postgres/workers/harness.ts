/**
 * The parent's side of the multi-process tests: fork a child script under tsx, wait until it is ready,
 * send it requests and await its answers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Sends a request and resolves with the child's answer to it. */
  request<T>(message: Record<string, unknown>): Promise<T>;
  /** Every message the child sent without an id (progress reports). */
  readonly reports: unknown[];
  /** Resolves when the child exits, with its exit code or signal. */
  readonly exited: Promise<number | string>;
}

/** Starts `test/postgres/workers/<script>` with the given arguments; resolves once it says it is ready. */
export async function startChild(script: string, args: readonly string[]): Promise<Child> {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = fork(path, [...args], {
    execArgv: ['--import', 'tsx'],
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const reports: unknown[] = [];
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const p of pending.values()) p.reject(new Error(`child ${script} exited (${code ?? signal})`));
      pending.clear();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { id?: number; ready?: boolean }) => {
      if (message.ready === true) resolve();
      else if (message.id !== undefined) {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      } else reports.push(message);
    });
    void exited.then((code) => {
      reject(new Error(`child ${script} exited before it was ready (${code})`));
    });
  });
  await ready;
  return {
    process: child,
    pid: child.pid ?? 0,
    reports,
    exited,
    request: <T>(message: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ ...message, id });
      }),
  };
}

/** Asks a child to close and waits for it to exit. */
export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) {
    await child.request({ type: 'close' }).catch(() => undefined);
  }
  await child.exited;
}

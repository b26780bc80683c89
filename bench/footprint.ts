/**
 * The server's footprint as a user meets it: `node dist/server/main.js` started as `npm start` starts it,
 * on a fresh data directory (the first start), again on the same directory (a restart), and with
 * `--storage memory`. For each: the time until it answers, the resident memory (VmRSS, and its peak
 * VmHWM, from /proc) after one session, and after 60 more created at once; then a burst of creates at
 * once, with its slowest answer. Figures go to stdout as a markdown table (docs/storage.md quotes them).
 *
 *   npm run build && npm run --prefix bench footprint      (BENCH_BURST=600 by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Seed } from '../src/index.js';
import { httpSeed } from './lib/fixtures.js';
import { signedRequests, type Request } from './lib/http-client.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BURST = Number(process.env.BENCH_BURST ?? 600);
const AT_ONCE = 60;

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly readyMs: number;
}

/** Starts the built server with `args` and waits for the line that says where it listens. */
async function start(args: readonly string[]): Promise<Started> {
  const began = performance.now();
  const child = spawn(
    process.execPath,
    ['dist/server/main.js', '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match?.[1] !== undefined) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${String(code)}:\n${text}`));
    });
  });
  return { child, url, readyMs: performance.now() - began };
}

/** VmRSS and VmHWM of a process, in MiB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function send(url: string, request: Request): Promise<number> {
  const began = performance.now();
  const response = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  await response.arrayBuffer();
  if (response.status >= 300)
    throw new Error(`${request.method} ${request.path}: ${String(response.status)}`);
  return performance.now() - began;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Row {
  readonly name: string;
  readonly readyMs: number;
  readonly afterOne: { rss: number; peak: number };
  readonly afterSixty: { rss: number; peak: number };
  readonly burst?: { seconds: number; slowestMs: number; p50Ms: number; rss: number };
}

async function measure(name: string, args: readonly string[], burst: boolean): Promise<Row> {
  const server = await start(args);
  const pid = server.child.pid!;
  try {
    // signedRequests creates the first session.
    const { create } = await signedRequests(server.url);
    const afterOne = memory(pid);
    await Promise.all(Array.from({ length: AT_ONCE }, () => send(server.url, create)));
    const afterSixty = memory(pid);
    let burstFigures: Row['burst'];
    if (burst) {
      const began = performance.now();
      const latencies = await Promise.all(Array.from({ length: BURST }, () => send(server.url, create)));
      const seconds = (performance.now() - began) / 1000;
      latencies.sort((a, b) => a - b);
      burstFigures = {
        seconds,
        slowestMs: latencies[latencies.length - 1]!,
        p50Ms: latencies[Math.floor(latencies.length / 2)]!,
        rss: memory(pid).rss,
      };
    }
    return {
      name,
      readyMs: server.readyMs,
      afterOne,
      afterSixty,
      ...(burstFigures ? { burst: burstFigures } : {}),
    };
  } finally {
    await stop(server.child);
  }
}

const work = mkdtempSync(join(tmpdir(), 'nimble-footprint-'));
try {
  const seedFile = join(work, 'seed.json');
  const demo = JSON.parse(readFileSync(join(ROOT, 'seeds/demo.json'), 'utf8')) as Seed;
  writeFileSync(seedFile, JSON.stringify(httpSeed(demo)));
  const dataDir = join(work, 'data');
  const common = ['--seed', seedFile, '--throttle-rate', '0', '--provisioner-latency-ms', '100'];
  const rows = [
    await measure('embedded, first start (fresh data directory)', [...common, '--data-dir', dataDir], true),
    await measure('embedded, restart (same data directory)', [...common, '--data-dir', dataDir], false),
    await measure('in memory (`--storage memory`)', [...common, '--storage', 'memory'], true),
  ];
  const f = (n: number) => n.toFixed(0);
  const lines = [
    `Node ${process.version}, ${String(cpus().length)} × ${cpus()[0]?.model.trim() ?? 'CPU'}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} at the end.`,
    '',
    `| server | answers after (ms) | RSS after 1 session (MiB) | RSS after ${String(AT_ONCE)} more at once (MiB) | peak RSS (MiB) | burst of ${String(BURST)} creates: s · p50 / slowest (ms) | RSS after the burst (MiB) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${f(r.readyMs)} | ${f(r.afterOne.rss)} | ${f(r.afterSixty.rss)} | ${f(Math.max(r.afterSixty.peak, r.afterOne.peak))} | ${
          r.burst === undefined
            ? '—'
            : `${r.burst.seconds.toFixed(2)} · ${f(r.burst.p50Ms)} / ${f(r.burst.slowestMs)}`
        } | ${r.burst === undefined ? '—' : f(r.burst.rss)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

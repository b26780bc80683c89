/**
 * What a signed request costs the server beyond the bare endpoint: the bare fastify endpoint, a signed
 * GetStreamingSession and a signed CreateStreamingSession (servers in child processes, in-memory storage,
 * throttling and the worker off, as in workload 4 of `npm run bench`), at one concurrency, in interleaved
 * rounds: requests per second, the ratio to the bare endpoint, and the server's CPU per request. With
 * BENCH_PROFILE=1, the server's CPU profile under each case goes to bench/profiles/ and its top
 * functions to stdout.
 *
 *   npm run --prefix bench http-overhead        (BENCH_CONNECTIONS=8, BENCH_SECONDS=3, BENCH_ROUNDS=5)
 */
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import {
  BARE_REQUEST,
  load,
  signedRequests,
  askServer,
  startBenchServer,
  type Request,
  type Server,
} from './lib/http-client.js';
import { save, type CpuProfile } from './lib/profile.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PROFILE = process.env.BENCH_PROFILE === '1';

interface Case {
  readonly name: string;
  readonly server: Server;
  readonly request: Request;
}

interface Round {
  readonly rate: number;
  readonly cpuUs: number;
}

async function round(c: Case, seconds: number): Promise<Round> {
  const before = await askServer<number>(c.server.child, { cpu: true }, 'cpuUs');
  const result = await load(c.name, c.server.url, c.request, CONNECTIONS, seconds);
  const used = (await askServer<number>(c.server.child, { cpu: true }, 'cpuUs')) - before;
  return { rate: result['2xx'] / result.duration, cpuUs: used / Math.max(1, result['2xx']) };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const app = await startBenchServer('app');
const bare = await startBenchServer('bare');
try {
  const requests = await signedRequests(app.url);
  const cases: Case[] = [
    { name: 'bare fastify', server: bare, request: BARE_REQUEST },
    { name: 'GetStreamingSession', server: app, request: requests.get },
    { name: 'CreateStreamingSession', server: app, request: requests.create },
  ];
  for (const c of cases) await round(c, 1);
  const rounds = new Map<string, Round[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) for (const c of cases) rounds.get(c.name)!.push(await round(c, SECONDS));
  const bareRate = median(rounds.get('bare fastify')!.map((r) => r.rate));
  const lines = [
    `${String(CONNECTIONS)} connections, ${String(ROUNDS)} interleaved rounds of ${String(SECONDS)} s, medians; Node ${process.version}, ${String(cpus().length)} × ${cpus()[0]?.model.trim() ?? 'CPU'}, load average ${loadavg()[0]?.toFixed(2) ?? '?'} at the end.`,
    '',
    '| case | requests/s | ratio to bare | server CPU per request (µs) |',
    '| --- | ---: | ---: | ---: |',
    ...cases.map((c) => {
      const rate = median(rounds.get(c.name)!.map((r) => r.rate));
      const cpu = median(rounds.get(c.name)!.map((r) => r.cpuUs));
      return `| ${c.name} | ${rate.toFixed(0)} | ${(rate / bareRate).toFixed(2)} | ${cpu.toFixed(1)} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (PROFILE) {
    for (const c of cases) {
      await askServer(c.server.child, { profile: 'start' }, 'profiling');
      const answered = (await load(c.name, c.server.url, c.request, CONNECTIONS, SECONDS))['2xx'];
      const stopped = await askServer<{ profile: CpuProfile; from: number; to: number }>(
        c.server.child,
        { profile: 'stop' },
        'stopped',
      );
      const summary = save(`http-overhead-${c.name}`, stopped.profile, stopped.from, stopped.to);
      // µs of the profiled time per request answered: idle included, so the groups add up to the window.
      const perRequest = (share: number) =>
        ((share * summary.totalMs * 1000) / Math.max(1, answered)).toFixed(1);
      process.stdout.write(`\n${c.name}: ${summary.file}, ${String(answered)} requests; µs per request\n`);
      for (const g of summary.groups) process.stdout.write(`  ${perRequest(g.share)}  ${g.group}\n`);
      for (const t of summary.top.slice(0, 30))
        process.stdout.write(`    ${perRequest(t.share)}  ${t.fn}  ${t.where}\n`);
    }
  }
} finally {
  app.child.kill();
  bare.child.kill();
  await Promise.all([once(app.child, 'exit'), once(bare.child, 'exit')]);
}

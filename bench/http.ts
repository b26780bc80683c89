/**
 * HTTP benchmark: requests per second of CreateStreamingSession and GetStreamingSession over real HTTP
 * (SigV4-signed, in-memory storage), beside a bare fastify endpoint that only parses the JSON body and
 * answers 200, measured in one run with autocannon (32 connections, 10 s per case in five interleaved
 * rounds). The servers run in child processes so the load generator does not share their event loop.
 * Results go to the "HTTP" section of docs/benchmarks.md.
 *
 *   npm run bench:http            (BENCH_SECONDS=5 for a quick look; the docs figures use the default)
 */
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Result } from 'autocannon';
import Fastify from 'fastify';
import { format, resolveConfig } from 'prettier';
import { SigV4Verifier } from '../src/adapters/http/sigv4.js';
import { createHttpServer, credentialStoreFromSeed } from '../src/http.js';
import { createStreamingSessions, type Seed } from '../src/index.js';
import { httpSeed } from './lib/fixtures.js';
import {
  BARE_REQUEST,
  load,
  signedRequests,
  startServer,
  type Request,
  type Server,
} from './lib/http-client.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = 5;

/** The demo seed with quotas out of the way, so every create in the run succeeds. */
function benchSeed(): Seed {
  return httpSeed(JSON.parse(readFileSync(new URL('../seeds/demo.json', import.meta.url), 'utf8')) as Seed);
}

/** Child process: serve the real adapter or the bare endpoint, and print the URL. */
async function serve(kind: string): Promise<void> {
  if (kind === 'bare') {
    const app = Fastify();
    app.post('/bare', (request, reply) => reply.code(200).send({ received: request.body !== undefined }));
    process.stdout.write(`URL ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
    return;
  }
  const seed = benchSeed();
  // Provisioning is off: the figure is the request path (validate, decide, commit, answer), not the worker.
  const sessions = await createStreamingSessions({ catalog: seed, startProvisioning: false });
  const app = createHttpServer({
    sessions,
    credentials: credentialStoreFromSeed(seed.credentials),
    throttle: false,
  });
  process.stdout.write(`URL ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
}

function start(kind: string): Promise<Server> {
  return startServer(fileURLToPath(import.meta.url), ['--serve', kind], process.execArgv);
}

interface Case {
  readonly title: string;
  readonly url: string;
  readonly request: Request;
}

/** What a case did over all its rounds. */
interface Measured {
  readonly requestsPerSecond: number;
  /** Per-round latency percentiles, averaged over the rounds. */
  readonly p50: number;
  readonly p99: number;
}

function runOnce(c: Case, seconds: number): Promise<Result> {
  return load(c.title, c.url, c.request, CONNECTIONS, seconds);
}

/**
 * Runs the cases in interleaved rounds (bare, create, get, bare, create, get, …), SECONDS per case in all,
 * so that load from elsewhere on the machine falls on every case alike and the ratios stay fair.
 */
async function measure(cases: readonly Case[]): Promise<Measured[]> {
  for (const c of cases) await runOnce(c, 1); // warm-up
  const rounds: Result[][] = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) rounds[i]?.push(await runOnce(c, SECONDS / ROUNDS));
  }
  return rounds.map((results, i) => {
    const mean = (f: (r: Result) => number) => results.reduce((sum, r) => sum + f(r), 0) / results.length;
    const measured = {
      requestsPerSecond: results.reduce((sum, r) => sum + r.requests.total, 0) / SECONDS,
      p50: mean((r) => r.latency.p50),
      p99: mean((r) => r.latency.p99),
    };
    process.stdout.write(
      `${cases[i]?.title ?? ''}: ${measured.requestsPerSecond.toFixed(0)} req/s, p50 ${measured.p50.toFixed(1)} ms, p99 ${measured.p99.toFixed(1)} ms\n`,
    );
    return measured;
  });
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const app = await start('app');
  const bare = await start('bare');
  try {
    const requests = await signedRequests(app.url);
    const verifyMicros = await timeVerification(requests.get.path, requests.get.headers);
    const [bareResult, create, get] = await measure([
      { title: 'bare fastify (parse JSON, 200)', url: bare.url, request: BARE_REQUEST },
      { title: 'CreateStreamingSession', url: app.url, request: requests.create },
      { title: 'GetStreamingSession', url: app.url, request: requests.get },
    ]);
    if (bareResult === undefined || create === undefined || get === undefined)
      throw new Error('missing results');
    await writeSection('HTTP', report({ bare: bareResult, create, get }, load, verifyMicros));
    process.stdout.write('Written to docs/benchmarks.md, section "HTTP".\n');
  } finally {
    app.child.kill();
    bare.child.kill();
    await Promise.all([once(app.child, 'exit'), once(bare.child, 'exit')]);
  }
}

/** CPU cost of one SigV4 verification of the get request, in µs, measured in this process. */
async function timeVerification(path: string, headers: Record<string, string>): Promise<number> {
  const seed = benchSeed();
  const verifier = new SigV4Verifier({ credentials: credentialStoreFromSeed(seed.credentials), clock: Date });
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const request = { method: 'GET', url: path, headers: lowered, body: new Uint8Array(0) };
  if ((await verifier.verify(request)).isErr()) throw new Error('the benchmark signature does not verify');
  const runs = 20_000;
  const started = process.cpuUsage();
  for (let i = 0; i < runs; i++) await verifier.verify(request);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / runs;
}

function report(
  results: Record<'bare' | 'create' | 'get', Measured>,
  load: number,
  verifyMicros: number,
): string {
  const row = (name: string, r: Measured) =>
    `| ${name} | ${r.requestsPerSecond.toFixed(0)} | ${(r.requestsPerSecond / results.bare.requestsPerSecond).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`;
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:http\` (bench/http.ts): autocannon, ${String(CONNECTIONS)} connections,`,
    `${String(SECONDS)} s per case in ${String(ROUNDS)} interleaved rounds after a 1 s warm-up, against servers in child processes on`,
    `127.0.0.1; Node ${process.version}, ${String(cpus().length)} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}. Every request is SigV4-signed and`,
    'verified (one signature reused for the run); storage in memory; throttling and the provisioning worker',
    'off, so the figures are the request path. Each create is a new session (no client token); the get reads',
    'one session of a store holding all of them. All responses were 2xx.',
    `Load average when the run began: ${load.toFixed(1)}. Other work on the machine lowers every figure; the`,
    'interleaved rounds spread it over the cases alike, so the ratios are the figures to compare.',
    '',
    '| case | requests/s | ratio to bare | p50 latency (ms) | p99 latency (ms) |',
    '|---|---|---|---|---|',
    row('bare fastify: parse the JSON body, answer 200', results.bare),
    row('CreateStreamingSession over HTTP', results.create),
    row('GetStreamingSession over HTTP', results.get),
    '',
    `How to read it: the bare endpoint is fastify's own ceiling here. A get adds SigV4 verification (measured`,
    `in the same run: ${verifyMicros.toFixed(0)} µs of CPU per request, on node:crypto with a cached signing key: the payload`,
    'hash, the canonical request hash and one HMAC; see "SigV4 verification"), the handler and the JSON of a',
    'full session record. A create adds the input',
    'schema, the domain decision and the atomic commit; creates in one studio take turns (one quota ledger',
    'per studio), so the 32 connections queue behind each other: more would add latency, not throughput.',
  ].join('\n');
}

/**
 * Replaces the `## <title>` section of docs/benchmarks.md (up to the next `## ` heading), or appends it;
 * other sections belong to other benchmarks and are left as they are.
 */
async function writeSection(title: string, body: string): Promise<void> {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  // Formatted as the repository's prettier would, so the file stays clean under `npm run format:check`.
  const config = (await resolveConfig(fileURLToPath(file))) ?? {};
  const section = `## ${title}\n\n${await format(body, { ...config, parser: 'markdown' })}`;
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line === `## ${title}`);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const before = lines.slice(0, start).join('\n');
  const after = next < 0 ? '' : `\n${lines.slice(next).join('\n')}`;
  writeFileSync(file, `${before}${before === '' ? '' : '\n'}${section}${after}`);
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) {
  void serve(process.argv[serveIndex + 1] ?? 'app');
} else {
  await main();
}

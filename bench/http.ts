/**
 * HTTP benchmark: requests per second of CreateStreamingSession and GetStreamingSession over real HTTP
 * (SigV4-signed, in-memory storage), beside a bare fastify endpoint that only parses the JSON body and
 * answers 200, measured in one run with autocannon (32 connections, 10 s per case in five interleaved
 * rounds). The servers run in child processes so the load generator does not share their event loop.
 * Results go to the "HTTP" section of docs/benchmarks.md.
 *
 *   npm run bench:http            (BENCH_SECONDS=5 for a quick look; the docs figures use the default)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon, { type Result } from 'autocannon';
import Fastify from 'fastify';
import { format, resolveConfig } from 'prettier';
import { SigV4Verifier } from '../src/adapters/http/sigv4.js';
import { createHttpServer, credentialStoreFromSeed } from '../src/http.js';
import { createStreamingSessions, type Seed } from '../src/index.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = 5;
const STUDIO_ID = 'us-west-2:stid-demo1234abcd5678';
const ARTIST = {
  accessKeyId: 'AKIADEMOARTIST000001',
  secretAccessKey: 'demo-artist-secret-key-000000000000000001',
};
const CREATE_PATH = `/2020-08-01/studios/${encodeURIComponent(STUDIO_ID)}/streaming-sessions`;
const BODY = JSON.stringify({ launchProfileId: 'LpArtistWorkstation001', tags: { project: 'bench' } });

/** The demo seed with quotas out of the way, so every create in the run succeeds. */
function benchSeed(): Seed {
  const demo = JSON.parse(readFileSync(new URL('../seeds/demo.json', import.meta.url), 'utf8')) as Seed;
  return {
    ...demo,
    studios: demo.studios.map((s) => ({
      ...s,
      quotas: { maxSessions: 1_000_000_000, maxSessionsPerInstanceFamily: { g4dn: 1_000_000_000 } },
    })),
  };
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

async function start(kind: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /URL (\S+)\n/.exec(text);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${String(code)}`));
    });
  });
  return { url, child };
}

/** Signs once: the signature stays valid for the whole run (X-Amz-Date may be 15 minutes old). */
async function signed(
  url: string,
  method: string,
  path: string,
  body?: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: ARTIST,
    region: 'us-west-2',
    service: 'nimble',
    sha256: Sha256,
  });
  const headers: Record<string, string> = { host: new URL(url).host };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request = await signer.sign(
    new HttpRequest({ method, path, headers, ...(body === undefined ? {} : { body }) }),
  );
  return request.headers;
}

interface Case {
  readonly title: string;
  readonly url: string;
  readonly request: { method: string; path: string; headers: Record<string, string>; body?: string };
}

/** What a case did over all its rounds. */
interface Measured {
  readonly requestsPerSecond: number;
  /** Per-round latency percentiles, averaged over the rounds. */
  readonly p50: number;
  readonly p99: number;
}

async function runOnce(c: Case, seconds: number): Promise<Result> {
  const result = await autocannon({
    url: c.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [c.request],
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`${c.title}: ${String(bad)} failed requests: ${JSON.stringify(result.statusCodeStats)}`);
  return result;
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
    const createHeaders = await signed(app.url, 'POST', CREATE_PATH, BODY);
    const first = await fetch(`${app.url}${CREATE_PATH}`, {
      method: 'POST',
      headers: createHeaders,
      body: BODY,
    });
    const { session } = (await first.json()) as { session: { sessionId: string } };
    const getPath = `${CREATE_PATH}/${session.sessionId}`;
    const getHeaders = await signed(app.url, 'GET', getPath);
    const verifyMicros = await timeVerification(getPath, getHeaders);
    const [bareResult, create, get] = await measure([
      {
        title: 'bare fastify (parse JSON, 200)',
        url: bare.url,
        request: {
          method: 'POST',
          path: '/bare',
          headers: { 'content-type': 'application/json' },
          body: BODY,
        },
      },
      {
        title: 'CreateStreamingSession',
        url: app.url,
        request: { method: 'POST', path: CREATE_PATH, headers: createHeaders, body: BODY },
      },
      {
        title: 'GetStreamingSession',
        url: app.url,
        request: { method: 'GET', path: getPath, headers: getHeaders },
      },
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

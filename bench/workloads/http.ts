/**
 * Workload 4: CreateStreamingSession and GetStreamingSession over HTTP (SigV4-signed as SDK v3 signs,
 * in-memory storage) beside a bare fastify endpoint that parses the same JSON body and answers 200, with
 * autocannon at 1, 8 and 32 connections. Servers run in child processes.
 */
import { once } from 'node:events';
import {
  BARE_REQUEST,
  load,
  signedRequests,
  askServer,
  startBenchServer,
  type Request,
  type Server,
} from '../lib/http-client.js';
import {
  CONCURRENCY,
  expectCount,
  log,
  RUNS,
  SECONDS,
  summarize,
  type CaseResult,
  type Run,
} from '../lib/measure.js';
import { save, type CpuProfile } from '../lib/profile.js';
import type { Profiler, Table, WorkloadResult } from './types.js';

export const BARE = 'bare fastify';
export const HTTP_CREATE = 'CreateStreamingSession';
export const HTTP_GET = 'GetStreamingSession';

interface HttpCase {
  readonly name: string;
  readonly server: Server;
  readonly request: Request;
}

/** CPU time the server process has used so far (µs), as it reports it. */
const serverCpu = (server: Server): Promise<number> =>
  askServer<number>(server.child, { cpu: true }, 'cpuUs');

async function runOnce(c: HttpCase, connections: number, seconds: number): Promise<Run & { ok: number }> {
  const before = await serverCpu(c.server);
  const result = await load(c.name, c.server.url, c.request, connections, seconds);
  const used = (await serverCpu(c.server)) - before;
  const ok = result['2xx'];
  return {
    rate: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ops: ok,
    cpuUs: used / Math.max(1, ok),
    dbCpuUs: Number.NaN,
    ok,
  };
}

export async function httpWorkload(profile: Profiler): Promise<WorkloadResult> {
  const app = await startBenchServer('app');
  const bare = await startBenchServer('bare');
  try {
    const requests = await signedRequests(app.url);
    let creates = 1;
    const cases: HttpCase[] = [
      { name: BARE, server: bare, request: BARE_REQUEST },
      { name: HTTP_CREATE, server: app, request: requests.create },
      { name: HTTP_GET, server: app, request: requests.get },
    ];
    log('workload 4: HTTP');
    const results: CaseResult[] = [];
    for (const connections of CONCURRENCY) {
      for (const c of cases) {
        const warm = await runOnce(c, connections, 1);
        if (c.name === HTTP_CREATE) creates += warm.ok;
      }
      const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
      for (let round = 0; round < RUNS; round++) {
        for (const c of cases) {
          const run = await runOnce(c, connections, Math.max(1, Math.round(SECONDS)));
          if (c.name === HTTP_CREATE) creates += run.ok;
          runs.get(c.name)!.push(run);
        }
      }
      for (const c of cases) {
        const stat = summarize(runs.get(c.name)!);
        results.push({ case: c.name, concurrency: connections, ...stat });
        log(
          `  HTTP · ${c.name} · c${String(connections)}: ${stat.rate.toFixed(0)}/s, p50 ${stat.p50Ms.toFixed(1)} ms, p99 ${stat.p99Ms.toFixed(1)} ms`,
        );
      }
    }
    const table: Table = {
      title: 'Requests per second over HTTP',
      cases: {
        [BARE]: 'fastify parsing the same JSON body and answering 200',
        [HTTP_CREATE]: 'signed `POST …/streaming-sessions`, a new session each time (no client token)',
        [HTTP_GET]: 'signed `GET …/streaming-sessions/<id>` of one session',
      },
      results,
      ratios: [
        { of: HTTP_CREATE, to: BARE },
        { of: HTTP_GET, to: BARE },
      ],
      cpu: 'server',
    };
    // Profiles of the server process, under 32 connections.
    for (const c of cases.slice(1)) {
      await profile(
        [{ ...table, ratios: [{ of: c.name, to: BARE }] }],
        `http-${c.name === HTTP_CREATE ? 'create' : 'get'}`,
        async () => {
          await askServer(app.child, { profile: 'start' }, 'profiling');
          const run = await runOnce(c, 32, 3);
          if (c.name === HTTP_CREATE) creates += run.ok;
          const stopped = await askServer<{ profile: CpuProfile; from: number; to: number }>(
            app.child,
            { profile: 'stop' },
            'stopped',
          );
          const label = `http-${c.name === HTTP_CREATE ? 'create' : 'get'}-server`;
          return save(label, stopped.profile, stopped.from, stopped.to);
        },
        { inProcess: false },
      );
    }
    const { sessions, created } = await askServer<{ sessions: number; created: number }>(
      app.child,
      { count: true },
      'count',
    );
    if (created < creates)
      throw new Error(
        `verification failed: the server answered ${String(created)} creates, the client counted ${String(creates)}`,
      );
    const busy = results
      .filter((r) => r.concurrency > 1 && Number.isFinite(r.cpuUs))
      .map(
        (r) => `${r.case} at ${String(r.concurrency)} connections ${((r.cpuUs * r.rate) / 1e6).toFixed(2)}`,
      );
    return {
      id: 'http',
      notes: [
        `**How busy each server was** (CPU seconds per second, from its CPU per request and its rate; 1.00 is one`,
        `core, all a single Node.js process can use): ${busy.join('; ')}. A server short of 1.00 was waiting for`,
        'the load generator, which shares the two cores: its rate is then the load generator’s ceiling as much as its own.',
      ],
      title: '4. Create and get over HTTP beside a bare fastify endpoint',
      about: [
        'autocannon with 1, 8 and 32 connections against servers in child processes on 127.0.0.1. Every',
        'request is SigV4-signed as SDK v3 signs it and verified (one signature reused for the run); storage in',
        "memory; throttling and the provisioning worker off. Latencies are autocannon's (per request, client side).",
      ],
      tables: [table],
      verified: [
        expectCount('sessions in the server, one per create it answered with 2xx', sessions, created),
        `creates counted by the client (those answered before each run's deadline): ${String(creates)} ≤ ${String(created)}`,
      ],
    };
  } finally {
    app.child.kill();
    bare.child.kill();
    await Promise.all([once(app.child, 'exit'), once(bare.child, 'exit')]);
  }
}

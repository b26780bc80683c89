/**
 * Health, readiness and metrics as an operator sees them: `npm start`'s wiring on a loopback port, the
 * real SDK for the API calls, and plain HTTP for the probes.
 */
import {
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  NimbleClient,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
} from '@aws-sdk/client-nimble';
import { createStreamingSessions, inMemoryStorage, type StreamingSessions } from 'nimble-streaming-sessions';
import {
  parseServerOptions,
  ServiceMetrics,
  startServer,
  type RunningServer,
  type ServerOptions,
} from 'nimble-streaming-sessions/http';
import { afterEach, describe, expect, it } from 'vitest';
import { ARTIST, ARTIST_PROFILE, startTestServer, STUDIO_ID, testSeed, type TestServer } from './harness.js';

const toClose: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((server) => server.close()));
});

async function start(argv: readonly string[] = []): Promise<RunningServer> {
  const options = parseServerOptions(
    // In memory: the metrics below are those of a server without a connection pool.
    ['--port', '0', '--storage', 'memory', '--provisioner-latency-ms', '200', ...argv],
    {},
  )._unsafeUnwrap() as ServerOptions;
  const server = await startServer({ ...options, logLevel: 'silent' });
  toClose.push(server);
  return server;
}

function client(url: string): NimbleClient {
  const nimble = new NimbleClient({
    endpoint: url,
    region: 'us-west-2',
    credentials: ARTIST,
    maxAttempts: 1,
  });
  toClose.push({
    close: () => {
      nimble.destroy();
      return Promise.resolve();
    },
  });
  return nimble;
}

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) return [];
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseExposition(await response.text());
}

describe('GET /health and GET /ready', () => {
  it('answer without a signature, and other methods on those paths stay unknown operations', async () => {
    const server = await start();
    const health = await fetch(server.probes.health);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(server.probes.ready);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { storage: 'ok', worker: 'ok' } });
    expect(health.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);

    const posted = await fetch(server.probes.health, { method: 'POST' });
    expect(posted.status).toBe(404);
    expect(posted.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const unknown = await fetch(`${server.url}/healthz`);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('/ready answers 503 once the worker has stopped', async () => {
    const server = await start();
    await server.sessions.stopProvisioning();
    const ready = await fetch(server.probes.ready);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'not ready',
      checks: { storage: 'ok', worker: 'stopped' },
    });
  });
});

describe('GET /ready when a check fails', () => {
  /** A JSON-lines log, as the server writes it, kept in memory. */
  function logLines(): { lines: Record<string, unknown>[]; stream: { write(line: string): unknown } } {
    const lines: Record<string, unknown>[] = [];
    return {
      lines,
      stream: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    };
  }

  it("says only that storage is unavailable, and logs the storage's own error once per change", async () => {
    // In memory, but with the readiness check of a database that cannot be reached.
    let failure: Error | undefined = new Error('connect ECONNREFUSED db.internal:5432 user=admin');
    const sessions: StreamingSessions = await createStreamingSessions({
      catalog: testSeed,
      storage: {
        ...inMemoryStorage(),
        check: () => (failure === undefined ? Promise.resolve() : Promise.reject(failure)),
      },
    });
    toClose.push(sessions);
    const log = logLines();
    const server = await startTestServer({
      http: {
        logger: { level: 'info', stream: log.stream },
        operability: { readiness: () => sessions.readiness() },
      },
    });
    toClose.push(server);
    const url = `${server.url}/ready`;
    const failed = () => log.lines.filter((line) => line.msg === 'readiness check failed');

    for (let probe = 0; probe < 3; probe += 1) {
      const response = await fetch(url);
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toEqual({
        status: 'not ready',
        checks: { storage: 'unavailable', worker: 'ok' },
      });
      expect(text).not.toContain('db.internal');
      expect(text).not.toContain('admin');
      expect(text).not.toContain('ECONNREFUSED');
    }
    // Three probes, one line: the detail, at warn.
    expect(failed()).toEqual([
      expect.objectContaining({
        level: 40,
        check: 'storage',
        reason: 'connect ECONNREFUSED db.internal:5432 user=admin',
      }),
    ]);

    failure = undefined;
    expect((await fetch(url)).status).toBe(200);
    expect(log.lines.filter((line) => line.msg === 'readiness check passes again')).toEqual([
      expect.objectContaining({ level: 30, check: 'storage' }),
    ]);

    // Another failure is another line.
    failure = new Error('password authentication failed for user "admin"');
    const again = await fetch(url);
    expect(await again.json()).toEqual({
      status: 'not ready',
      checks: { storage: 'unavailable', worker: 'ok' },
    });
    expect(failed().map((line) => line.reason)).toEqual([
      'connect ECONNREFUSED db.internal:5432 user=admin',
      'password authentication failed for user "admin"',
    ]);
  });

  it('says storage is unavailable when the checks give no answer in time, and logs that', async () => {
    const log = logLines();
    const server = await startTestServer({
      http: {
        logger: { level: 'info', stream: log.stream },
        operability: { readiness: () => new Promise(() => undefined), readinessTimeoutMs: 50 },
      },
    });
    toClose.push(server);
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not ready',
      checks: { storage: 'unavailable', worker: 'unknown' },
    });
    expect(log.lines.filter((line) => line.msg === 'readiness check failed')).toEqual([
      expect.objectContaining({ level: 40, check: 'storage', reason: 'no answer within 50 ms' }),
    ]);
  });

  it("keeps a custom readiness function's own words out of the body too", async () => {
    const log = logLines();
    const server = await startTestServer({
      http: {
        logger: { level: 'info', stream: log.stream },
        operability: {
          readiness: () =>
            Promise.resolve({
              ready: false,
              checks: { storage: 'ok', worker: 'lease lost to worker-7 on db.internal' },
            }),
        },
      },
    });
    toClose.push(server);
    const response = await fetch(`${server.url}/ready`);
    expect(await response.json()).toEqual({
      status: 'not ready',
      checks: { storage: 'ok', worker: 'unavailable' },
    });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ check: 'worker', reason: 'lease lost to worker-7 on db.internal' }),
    );
  });
});

describe('GET /metrics', () => {
  it('counts creates, gets and errors exactly, by operation and error type', async () => {
    const server = await start();
    const nimble = client(server.url);
    const sessionIds: string[] = [];
    for (const clientToken of ['metrics-1', 'metrics-2', 'metrics-3']) {
      const { session } = await nimble.send(
        new CreateStreamingSessionCommand({
          studioId: STUDIO_ID,
          launchProfileId: ARTIST_PROFILE,
          clientToken,
        }),
      );
      sessionIds.push(session!.sessionId!);
    }
    for (const sessionId of sessionIds.slice(0, 2)) {
      await nimble.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
    }
    await expect(
      nimble.send(
        new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    // The demo studio's g5 quota is 0.
    await expect(
      nimble.send(
        new CreateStreamingSessionCommand({
          studioId: STUDIO_ID,
          launchProfileId: ARTIST_PROFILE,
          ec2InstanceType: 'g5.xlarge',
        }),
      ),
    ).rejects.toBeInstanceOf(ServiceQuotaExceededException);
    expect((await fetch(`${server.url}/2020-08-01/studios`)).status).toBe(404);
    await fetch(server.probes.health);

    const samples = await scrape(server.url);
    const requests = (operation: string, error_type: string) =>
      total(samples, 'nimble_http_requests_total', { operation, error_type });
    expect(requests('CreateStreamingSession', 'none')).toBe(3);
    expect(requests('CreateStreamingSession', 'ServiceQuotaExceededException')).toBe(1);
    expect(requests('GetStreamingSession', 'none')).toBe(2);
    expect(requests('GetStreamingSession', 'ResourceNotFoundException')).toBe(1);
    expect(requests('UnknownOperation', 'UnknownOperationException')).toBe(1);
    // Probes and scrapes are not API requests.
    expect(total(samples, 'nimble_http_requests_total')).toBe(8);
    expect(total(samples, 'nimble_http_request_duration_seconds_count')).toBe(8);
    expect(
      total(samples, 'nimble_http_request_duration_seconds_count', {
        operation: 'CreateStreamingSession',
        error_type: 'none',
      }),
    ).toBe(3);
    expect(total(samples, 'nimble_quota_refusals_total', { code: 'SERVICE_QUOTA_EXCEEDED' })).toBe(1);
    expect(total(samples, 'nimble_throttled_requests_total')).toBe(0);

    expect(total(samples, 'nimble_sessions')).toBe(3);
    expect(total(samples, 'nimble_storage_up')).toBe(1);
    for (const name of [
      'nimble_jobs_due',
      'nimble_jobs_scheduled',
      'nimble_jobs_held',
      'nimble_job_steps_running',
    ])
      expect(samples.some((s) => s.name === name)).toBe(true);
    expect(total(samples, 'nimble_jobs_oldest_due_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(total(samples, 'nimble_job_steps_failed_total')).toBe(0);
    // In memory there is no pool.
    expect(samples.some((s) => s.name === 'nimble_postgres_pool_connections')).toBe(false);
  });

  it('counts throttled requests', async () => {
    // The metrics read the service that the test server assembles after them.
    const later: { server?: TestServer } = {};
    const metrics = new ServiceMetrics(
      {
        jobStats: () => later.server!.sessions.jobStats(),
        sessionCountsByState: () => later.server!.sessions.sessionCountsByState(),
        storagePoolUsage: () => undefined,
      },
      { processMetrics: false },
    );
    const server = (later.server = await startTestServer({
      http: { throttle: { ratePerSecond: 0.001, burst: 2 }, operability: { metrics } },
    }));
    toClose.push(server);
    const nimble = server.client();
    const get = () =>
      nimble.send(
        new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      );
    await expect(get()).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(get()).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(get()).rejects.toBeInstanceOf(ThrottlingException);
    await expect(get()).rejects.toBeInstanceOf(ThrottlingException);

    const samples = await scrape(server.url);
    expect(total(samples, 'nimble_throttled_requests_total', { operation: 'GetStreamingSession' })).toBe(2);
    expect(
      total(samples, 'nimble_http_requests_total', {
        operation: 'GetStreamingSession',
        error_type: 'ThrottlingException',
      }),
    ).toBe(2);
    expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(false);
  });

  it('is not served with --metrics off (or METRICS=off)', async () => {
    expect(parseServerOptions([], { METRICS: 'off' })._unsafeUnwrap()).toMatchObject({ metrics: false });
    expect(parseServerOptions(['--metrics', 'maybe'], {})._unsafeUnwrapErr()).toContain('"maybe"');
    const server = await start(['--metrics', 'off']);
    expect(server.probes.metrics).toBeUndefined();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect((await fetch(server.probes.ready)).status).toBe(200);
  });
});

describe('request logs', () => {
  it('carry the request id the response sends in x-amzn-requestid, one line per request', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    };
    const server = await startTestServer({ http: { logger: { level: 'info', stream } } });
    toClose.push(server);
    const nimble = server.client();
    const created = await nimble.send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
    );
    const failed = await nimble
      .send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' }))
      .catch((error: unknown) => error as ResourceNotFoundException);

    const createdId = created.$metadata.requestId!;
    const failedId = failed.$metadata.requestId!;
    expect(createdId).not.toBe(failedId);
    expect(lines.filter((line) => line.requestId === createdId)).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        operation: 'CreateStreamingSession',
        method: 'POST',
        statusCode: 200,
      }),
    ]);
    expect(lines.filter((line) => line.requestId === failedId)).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        operation: 'GetStreamingSession',
        statusCode: 404,
        errorType: 'ResourceNotFoundException',
      }),
    ]);
  });
});

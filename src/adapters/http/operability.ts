import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../../streaming-sessions.js';
import type { ServiceMetrics } from './metrics.js';

/** The routes for load balancers and Prometheus, beside the API's own (which all start /2020-08-01). */
export const OPERABILITY_PATHS = { health: '/health', ready: '/ready', metrics: '/metrics' } as const;

/** What the health, readiness and metrics routes serve. */
export interface OperabilityOptions {
  /** What `GET /ready` checks (storage, worker). Without it, `/ready` answers as `/health` does. */
  readonly readiness?: () => Promise<Readiness>;
  /** How long `/ready` waits for the checks before it answers 503 (default 2 s). */
  readonly readinessTimeoutMs?: number;
  /** The metrics `GET /metrics` serves, and requests are counted into; without them, no `/metrics`. */
  readonly metrics?: ServiceMetrics;
}

/** Route config that marks a probe: its requests are neither counted nor logged above debug. */
export const PROBE_ROUTE = { probe: true } as const;

function timedOut(ms: number): Promise<Readiness> {
  return new Promise((resolve) => {
    setTimeout(() => {
      resolve({ ready: false, checks: { storage: `no answer within ${ms} ms`, worker: 'unknown' } });
    }, ms).unref();
  });
}

/**
 * `GET /health` (the process answers), `GET /ready` (it can serve: 200, or 503 with the failed checks,
 * also once shutdown has begun so a load balancer drains it) and `GET /metrics` (Prometheus text). They
 * need no signature, and other methods on these paths stay unknown operations.
 */
export function registerOperabilityRoutes(app: FastifyInstance, options: OperabilityOptions): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const config = PROBE_ROUTE;
  app.get(OPERABILITY_PATHS.health, { config }, (_request, reply) => reply.send({ status: 'ok' }));
  app.get(OPERABILITY_PATHS.ready, { config }, async (_request, reply) => {
    const timeoutMs = options.readinessTimeoutMs ?? 2000;
    const report: Readiness = closing
      ? { ready: false, checks: { storage: 'unknown', worker: 'shutting down' } }
      : options.readiness === undefined
        ? { ready: true, checks: { storage: 'ok', worker: 'ok' } }
        : await Promise.race([options.readiness(), timedOut(timeoutMs)]);
    return reply
      .code(report.ready ? 200 : 503)
      .send({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
  });
  const metrics = options.metrics;
  if (metrics !== undefined) {
    app.get(OPERABILITY_PATHS.metrics, { config }, async (_request, reply) => {
      const { contentType, text } = await metrics.scrape();
      return reply.type(contentType).send(text);
    });
  }
}

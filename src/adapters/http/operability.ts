import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Readiness } from '../../application/ports/inbound.js';
import type { ServiceMetrics } from './metrics.js';

/** The routes for load balancers and Prometheus, beside the API's own (which all start /2020-08-01). */
export const OPERABILITY_PATHS = { health: '/health', ready: '/ready', metrics: '/metrics' } as const;

/** What the health, readiness and metrics routes serve. */
export interface OperabilityOptions {
  /**
   * What `GET /ready` checks (storage, worker). Without it, `/ready` answers as `/health` does. A failed
   * check's reason goes to the server's log; the body says only `unavailable` (or `stopped`, `unknown`).
   */
  readonly readiness?: () => Promise<Readiness>;
  /** How long `/ready` waits for the checks before it answers 503 (default 2 s). */
  readonly readinessTimeoutMs?: number;
  /** The metrics `GET /metrics` serves, and requests are counted into; without them, no `/metrics`. */
  readonly metrics?: ServiceMetrics;
}

/** Route config that marks a probe: its requests are neither counted nor logged above debug. */
export const PROBE_ROUTE = { probe: true } as const;

/**
 * What `/ready` may say about a check. Anything else a check reports (a storage error's message, with the
 * database's host and user name in it) is replaced by `unavailable` in the body, which anyone who can reach
 * the port reads, and logged instead.
 */
const PUBLIC_CHECK_STATES: ReadonlySet<string> = new Set([
  'ok',
  'unavailable',
  'stopped',
  'shutting down',
  'unknown',
]);

type CheckName = keyof Readiness['checks'];
const CHECK_NAMES: readonly CheckName[] = ['storage', 'worker'];

function timedOut(ms: number): Promise<Readiness> {
  return new Promise((resolve) => {
    setTimeout(() => {
      resolve({ ready: false, checks: { storage: `no answer within ${ms} ms`, worker: 'unknown' } });
    }, ms).unref();
  });
}

/** The checks as `/ready` answers them: a public word for each, never a failure's own text. */
function publicChecks(checks: Readiness['checks']): Readiness['checks'] {
  const word = (state: string) => (PUBLIC_CHECK_STATES.has(state) ? state : 'unavailable');
  return { storage: word(checks.storage), worker: word(checks.worker) };
}

/**
 * Logs what the probes hide, once per change: a check that fails, or fails for another reason than last
 * time, at warn with the reason; one that passes again, at info; `unknown` (not checked, as when the checks
 * gave no answer in time) changes nothing. A load balancer probing every few seconds through an outage
 * adds no line after the first.
 */
function readinessLog(log: FastifyBaseLogger): (checks: Readiness['checks']) => void {
  const failing = new Map<CheckName, string>();
  return (checks) => {
    for (const check of CHECK_NAMES) {
      const state = checks[check];
      const before = failing.get(check);
      if (state === 'unknown') continue;
      if (state === 'ok') {
        if (before !== undefined) {
          failing.delete(check);
          log.info({ check }, 'readiness check passes again');
        }
      } else if (state !== before) {
        failing.set(check, state);
        log.warn({ check, reason: state }, 'readiness check failed');
      }
    }
  };
}

/**
 * `GET /health` (the process answers), `GET /ready` (it can serve: 200, or 503 naming the checks that
 * failed, also once shutdown has begun so a load balancer drains it) and `GET /metrics` (Prometheus text).
 * They need no signature, and other methods on these paths stay unknown operations. Why a check failed is
 * logged, not sent.
 */
export function registerOperabilityRoutes(app: FastifyInstance, options: OperabilityOptions): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const config = PROBE_ROUTE;
  const logChanges = readinessLog(app.log);
  app.get(OPERABILITY_PATHS.health, { config }, (_request, reply) => reply.send({ status: 'ok' }));
  app.get(OPERABILITY_PATHS.ready, { config }, async (_request, reply) => {
    const timeoutMs = options.readinessTimeoutMs ?? 2000;
    // What the checks found, a reason per failed check: logged, and cut down to public words for the body.
    let report: Readiness;
    if (closing) {
      report = { ready: false, checks: { storage: 'unknown', worker: 'shutting down' } };
    } else if (options.readiness === undefined) {
      report = { ready: true, checks: { storage: 'ok', worker: 'ok' } };
    } else {
      report = await Promise.race([options.readiness(), timedOut(timeoutMs)]);
      logChanges(report.checks);
    }
    return reply
      .code(report.ready ? 200 : 503)
      .send({ status: report.ready ? 'ready' : 'not ready', checks: publicChecks(report.checks) });
  });
  const metrics = options.metrics;
  if (metrics !== undefined) {
    app.get(OPERABILITY_PATHS.metrics, { config }, async (_request, reply) => {
      const { contentType, text } = await metrics.scrape();
      return reply.type(contentType).send(text);
    });
  }
}

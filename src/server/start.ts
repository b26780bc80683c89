import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../application/ports/logger.js';
import { parseSeed, type Seed } from '../application/seed.js';
import { credentialStoreFromSeed } from '../adapters/http/credentials.js';
import { ServiceMetrics } from '../adapters/http/metrics.js';
import { OPERABILITY_PATHS } from '../adapters/http/operability.js';
import { createHttpServer } from '../adapters/http/server.js';
import { SystemClock } from '../adapters/system/clock.js';
import { consoleLogger } from '../adapters/system/logger.js';
import { createStreamingSessions, type StreamingSessions } from '../streaming-sessions.js';
import type { ServerOptions } from './options.js';
import { openStorage } from './storage.js';

/** A server that is listening, with what it runs on. */
export interface RunningServer {
  /** `http://host:port`, with a loopback address when listening on every interface. */
  readonly url: string;
  /** Where load balancers and Prometheus look: `/health`, `/ready`, and `/metrics` unless turned off. */
  readonly probes: { readonly health: string; readonly ready: string; readonly metrics?: string };
  readonly seed: Seed;
  readonly storageDescription: string;
  readonly app: FastifyInstance;
  readonly sessions: StreamingSessions;
  /**
   * Graceful stop: no new connections, in-flight requests answered, then the provisioning worker stopped
   * and storage closed (with its pool). Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Reads and validates a seed file; the error names the file and what is wrong with it. */
export async function loadSeedFile(path: string): Promise<Seed> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the seed file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const seed = parseSeed(document);
  if (seed.isErr()) throw new Error(`The seed file ${path} is invalid: ${seed.error.message}`);
  return seed.value;
}

function displayUrl(app: FastifyInstance, host: string): string {
  const { port } = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  return `http://${shown.includes(':') && !shown.startsWith('[') ? `[${shown}]` : shown}:${port}`;
}

/**
 * A Logger that writes to another one, set later: the service is assembled before the HTTP adapter that
 * owns fastify's logger exists, and what it logs meanwhile goes to standard error.
 */
function forwardingLogger(): { readonly logger: Logger; to(target: Logger): void } {
  let target: Logger = consoleLogger('warn');
  return {
    logger: {
      debug: (context, message) => {
        target.debug(context, message);
      },
      info: (context, message) => {
        target.info(context, message);
      },
      warn: (context, message) => {
        target.warn(context, message);
      },
      error: (context, message) => {
        target.error(context, message);
      },
    },
    to: (next) => {
      target = next;
    },
  };
}

/**
 * Runs the whole service: the seed's catalog and credentials, the chosen storage, the simulated
 * provisioner, the provisioning worker and the HTTP adapter, listening on the given port.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const seed = await loadSeedFile(options.seedFile);
  const clock = new SystemClock();
  const { storage, description, provisioner } = openStorage(options);
  // The option (flag or environment) wins over the seed, so one seed file can serve several accounts.
  const accountId = options.accountId ?? seed.accountId;
  const log = forwardingLogger();
  let sessions: StreamingSessions | undefined;
  try {
    const running = (sessions = await createStreamingSessions({
      catalog: seed,
      storage,
      clock,
      config: {
        clientTokenTtlMs: options.clientTokenRetentionMs,
        ...(accountId === undefined ? {} : { arn: { account: accountId } }),
      },
      logger: log.logger,
      provisioner: provisioner(clock, options.provisionerLatencyMs),
    }));
    const app = createHttpServer({
      sessions,
      credentials: credentialStoreFromSeed(seed.credentials),
      clock,
      throttle: options.throttle,
      bodyLimit: options.bodyLimit,
      logger: { level: options.logLevel },
      operability: {
        readiness: () => running.readiness(),
        ...(options.metrics ? { metrics: new ServiceMetrics(running) } : {}),
      },
    });
    // Job failures are reported with the requests' log lines, at the level the operator chose.
    log.to(app.log);
    await app.listen({ port: options.port, host: options.host });
    let closing: Promise<void> | undefined;
    const url = displayUrl(app, options.host);
    return {
      url,
      probes: {
        health: `${url}${OPERABILITY_PATHS.health}`,
        ready: `${url}${OPERABILITY_PATHS.ready}`,
        ...(options.metrics ? { metrics: `${url}${OPERABILITY_PATHS.metrics}` } : {}),
      },
      seed,
      storageDescription: description,
      app,
      sessions: running,
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await running.close();
        })()),
    };
  } catch (error) {
    // Whatever got as far as opening lets go again, so a failed start leaves no pool or worker behind.
    await (sessions === undefined ? storage.close() : sessions.close());
    throw error;
  }
}

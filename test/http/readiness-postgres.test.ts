/**
 * `/ready` follows PostgreSQL: 503 while the database cannot be reached, 200 again once it can, without
 * restarting the server. The server reaches the shared PostgreSQL (DATABASE_URL, default
 * postgres://127.0.0.1:5432/test) through a TCP relay on loopback that the test cuts and restores, so the
 * shared server itself is never stopped.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { parseServerOptions, startServer, type ServerOptions } from 'nimble-streaming-sessions/http';
import { afterAll, expect, it } from 'vitest';
import { withDefaultUser } from '../../src/adapters/postgres/database.js';

const DATABASE_URL = withDefaultUser(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test');
const schema = `nss_ready_${randomBytes(6).toString('hex')}`;
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    await pool.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await pool.end();
  }
});

/** A TCP relay to the database that can be cut (every connection reset, the port closed) and restored. */
class Relay {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, this.host);
      for (const socket of [inbound, outbound]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}

async function readiness(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

async function eventually(url: string, status: number, withinMs: number): Promise<unknown> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const seen = await readiness(url);
    if (seen.status === status) return seen.body;
    if (Date.now() > deadline) throw new Error(`still ${seen.status} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('answers 503 while PostgreSQL is unreachable and 200 again when it is back', async () => {
  const target = new URL(DATABASE_URL);
  const relay = new Relay(target.hostname, Number(target.port || 5432));
  await relay.open();
  cleanups.push(() => relay.cut());
  const viaRelay = new URL(DATABASE_URL);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);

  const options = parseServerOptions(
    ['--port', '0', '--database-url', viaRelay.toString(), '--database-schema', schema],
    {},
  )._unsafeUnwrap() as ServerOptions;
  const server = await startServer({ ...options, logLevel: 'silent' });
  cleanups.push(() => server.close());
  expect(await readiness(server.probes.ready)).toEqual({
    status: 200,
    body: { status: 'ready', checks: { storage: 'ok', worker: 'ok' } },
  });
  const metrics = await (await fetch(server.probes.metrics!)).text();
  expect(metrics).toMatch(/^nimble_postgres_pool_connections\{state="total"\} \d+$/m);
  expect(metrics).toMatch(/^nimble_storage_up 1$/m);

  await relay.cut();
  const down = await readiness(server.probes.ready);
  expect(down.status).toBe(503);
  // Which dependency is down, not the driver's error (host, port, user): that goes to the log.
  expect(down.body).toEqual({ status: 'not ready', checks: { storage: 'unavailable', worker: 'ok' } });
  // A scrape still answers, and says storage is away.
  const scraped = await fetch(server.probes.metrics!);
  expect(scraped.status).toBe(200);
  expect(await scraped.text()).toMatch(/^nimble_storage_up 0$/m);
  expect((await fetch(server.probes.health)).status).toBe(200);

  await relay.open();
  expect(await eventually(server.probes.ready, 200, 10_000)).toEqual({
    status: 'ready',
    checks: { storage: 'ok', worker: 'ok' },
  });
});

it('answers 503 while the schema is at another version than the code needs, and 200 once it is again', async () => {
  const options = parseServerOptions(
    ['--port', '0', '--database-url', DATABASE_URL, '--database-schema', schema],
    {},
  )._unsafeUnwrap() as ServerOptions;
  const server = await startServer({ ...options, logLevel: 'silent' });
  cleanups.push(() => server.close());
  expect((await readiness(server.probes.ready)).status).toBe(200);

  // Another deployment migrated the schema ahead of this code.
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    await pool.query(
      `insert into "${schema}".schema_migrations (version, name) values (999, 'from the future')`,
    );
    const ahead = await readiness(server.probes.ready);
    expect(ahead.status).toBe(503);
    // The versions are in the log line, not in the body.
    expect(ahead.body).toEqual({ status: 'not ready', checks: { storage: 'unavailable', worker: 'ok' } });
    await pool.query(`delete from "${schema}".schema_migrations where version = 999`);
    expect(await eventually(server.probes.ready, 200, 10_000)).toMatchObject({ status: 'ready' });
  } finally {
    await pool.end();
  }
});

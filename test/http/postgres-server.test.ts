/**
 * DATABASE_URL selects PostgreSQL: the server migrates a fresh schema, serves the SDK from it, and a
 * session created before a restart is still there after it. Uses the real server at DATABASE_URL
 * (default postgres://127.0.0.1:5432/test), in a schema of its own.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  NimbleClient,
  waitUntilStreamingSessionReady,
} from '@aws-sdk/client-nimble';
import pg from 'pg';
import {
  parseServerOptions,
  startServer,
  type RunningServer,
  type ServerOptions,
} from 'nimble-streaming-sessions/http';
import { afterAll, expect, it } from 'vitest';
import { withDefaultUser } from '../../src/adapters/postgres/database.js';
import { ARTIST, ARTIST_PROFILE, STUDIO_ID } from './harness.js';

const DATABASE_URL = withDefaultUser(process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test');
const schema = `nss_http_${randomBytes(6).toString('hex')}`;
const running: RunningServer[] = [];

afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    await pool.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await pool.end();
  }
});

async function start(): Promise<{ server: RunningServer; client: NimbleClient }> {
  const options = parseServerOptions(
    [
      '--port',
      '0',
      '--database-url',
      DATABASE_URL,
      '--database-schema',
      schema,
      '--provisioner-latency-ms',
      '200',
    ],
    {},
  )._unsafeUnwrap() as ServerOptions;
  const server = await startServer({ ...options, logLevel: 'silent' });
  running.push(server);
  return {
    server,
    client: new NimbleClient({ endpoint: server.url, region: 'us-west-2', credentials: ARTIST }),
  };
}

it('serves from PostgreSQL, and the sessions outlive a restart', async () => {
  const first = await start();
  expect(first.server.storageDescription).toContain(`schema ${schema}`);
  const { session } = await first.client.send(
    new CreateStreamingSessionCommand({
      studioId: STUDIO_ID,
      launchProfileId: ARTIST_PROFILE,
      clientToken: 'pg-1',
    }),
  );
  const sessionId = session!.sessionId!;
  await waitUntilStreamingSessionReady(
    { client: first.client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { studioId: STUDIO_ID, sessionId },
  );
  first.client.destroy();
  await first.server.close();

  const second = await start();
  try {
    const got = await second.client.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
    expect(got.session).toMatchObject({ sessionId, state: 'READY' });
    const replay = await second.client.send(
      new CreateStreamingSessionCommand({
        studioId: STUDIO_ID,
        launchProfileId: ARTIST_PROFILE,
        clientToken: 'pg-1',
      }),
    );
    expect(replay.session!.sessionId).toBe(sessionId);
  } finally {
    second.client.destroy();
  }
}, 60_000);

it('finishes booting after a restart: the simulated instances live in the same schema', async () => {
  const first = await start();
  const { session } = await first.client.send(
    new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
  );
  const sessionId = session!.sessionId!;
  // Stopped while the instance boots (200 ms): its job and its instance wait in PostgreSQL.
  first.client.destroy();
  await first.server.close();

  const second = await start();
  try {
    const waited = await waitUntilStreamingSessionReady(
      { client: second.client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { studioId: STUDIO_ID, sessionId },
    );
    expect(waited.state).toBe('SUCCESS');
    const got = await second.client.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId }));
    expect(got.session?.state).toBe('READY');
  } finally {
    second.client.destroy();
  }
}, 60_000);

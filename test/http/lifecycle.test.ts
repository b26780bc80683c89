/**
 * Start-up options and graceful shutdown: flags and environment variables, and a close that stops
 * accepting connections but still answers the request in flight.
 */
import { GetStreamingSessionCommand, NimbleClient } from '@aws-sdk/client-nimble';
import { ok } from 'neverthrow';
import { type StreamingSessionView } from 'nimble-streaming-sessions';
import {
  createHttpServer,
  credentialStoreFromSeed,
  parseServerOptions,
} from 'nimble-streaming-sessions/http';
import { describe, expect, it } from 'vitest';
import { ARTIST, STUDIO_ID, testSeed } from './harness.js';

describe('server options', () => {
  it('defaults to the demo seed, embedded PostgreSQL in ./.nimble-data, on 127.0.0.1:8080', () => {
    const parsed = parseServerOptions([], {})._unsafeUnwrap();
    expect(parsed).toMatchObject({
      storage: 'embedded',
      dataDir: './.nimble-data',
      port: 8080,
      host: '127.0.0.1',
      databaseSchema: 'nimble_sessions',
      provisionerLatencyMs: 3000,
      throttle: { ratePerSecond: 50, burst: 100 },
      logLevel: 'info',
    });
    expect(parsed).not.toHaveProperty('databaseUrl');
    expect(parsed !== 'help' && parsed.seedFile.endsWith('/seeds/demo.json')).toBe(true);
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      PORT: '9000',
      DATABASE_URL: 'postgres://db/x',
      SEED_FILE: '/tmp/s.json',
      PROVISIONER_LATENCY_MS: '5',
    };
    expect(parseServerOptions([], env)._unsafeUnwrap()).toMatchObject({
      port: 9000,
      storage: 'postgres',
      databaseUrl: 'postgres://db/x',
      seedFile: '/tmp/s.json',
      provisionerLatencyMs: 5,
    });
    expect(parseServerOptions(['--port', '0', '--seed', 'other.json'], env)._unsafeUnwrap()).toMatchObject({
      port: 0,
      seedFile: 'other.json',
    });
  });

  it('chooses the storage: memory by flag or STORAGE, a data directory by flag or DATA_DIR', () => {
    expect(parseServerOptions(['--storage', 'memory'], {})._unsafeUnwrap()).toMatchObject({
      storage: 'memory',
    });
    // An explicit choice wins over a database URL in the environment, which then goes unused.
    const memory = parseServerOptions([], { STORAGE: 'memory', DATABASE_URL: 'postgres://db/x' });
    expect(memory._unsafeUnwrap()).toMatchObject({ storage: 'memory' });
    expect(memory._unsafeUnwrap()).not.toHaveProperty('databaseUrl');
    expect(
      parseServerOptions(['--data-dir', '/var/lib/nss'], { DATA_DIR: '/elsewhere' })._unsafeUnwrap(),
    ).toMatchObject({
      storage: 'embedded',
      dataDir: '/var/lib/nss',
    });
    expect(parseServerOptions([], { DATA_DIR: '/elsewhere' })._unsafeUnwrap()).toMatchObject({
      dataDir: '/elsewhere',
    });
    expect(parseServerOptions(['--storage', 'disk'], {})._unsafeUnwrapErr()).toContain('"disk"');
    expect(parseServerOptions(['--storage', 'postgres'], {})._unsafeUnwrapErr()).toContain('database URL');
  });

  it('turns throttling off with a rate of 0, and answers --help', () => {
    expect(parseServerOptions(['--throttle-rate', '0'], {})._unsafeUnwrap()).toMatchObject({
      throttle: false,
    });
    expect(parseServerOptions(['-h'], {})._unsafeUnwrap()).toBe('help');
  });

  it('refuses bad values and unknown flags with a message naming them', () => {
    expect(parseServerOptions(['--port', '70000'], {})._unsafeUnwrapErr()).toContain('port');
    expect(parseServerOptions([], { PORT: 'eighty' })._unsafeUnwrapErr()).toContain('"eighty"');
    expect(parseServerOptions(['--log-level', 'loud'], {})._unsafeUnwrapErr()).toContain('log-level');
    expect(parseServerOptions(['--colour'], {})._unsafeUnwrapErr()).toContain('--colour');
  });
});

describe('graceful shutdown', () => {
  it('answers the request in flight, then refuses new connections', async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const view = {
      sessionId: 'S',
      state: 'READY',
      createdAt: '2024-01-02T03:04:05Z',
    } as StreamingSessionView;
    const app = createHttpServer({
      sessions: {
        createStreamingSession: () => Promise.reject(new Error('not used')),
        listStreamingSessions: () => Promise.reject(new Error('not used')),
        stopStreamingSession: () => Promise.reject(new Error('not used')),
        startStreamingSession: () => Promise.reject(new Error('not used')),
        deleteStreamingSession: () => Promise.reject(new Error('not used')),
        getStreamingSession: async () => {
          entered();
          await released;
          return ok(view);
        },
      },
      credentials: credentialStoreFromSeed(testSeed.credentials),
    });
    const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
    const client = new NimbleClient({ endpoint, region: 'us-west-2', credentials: ARTIST, maxAttempts: 1 });
    try {
      const inFlight = client.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'S' }));
      await inHandler;
      const closed = app.close();
      release();
      const answered = await inFlight;
      expect(answered.session).toMatchObject({ sessionId: 'S', state: 'READY' });
      await closed;
      const after = await fetch(`${endpoint}/2020-08-01/studios/x/streaming-sessions/y`).catch(
        (e: unknown) => e,
      );
      expect(after).toBeInstanceOf(TypeError);
    } finally {
      client.destroy();
    }
  });
});

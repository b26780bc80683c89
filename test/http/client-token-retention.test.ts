/**
 * `--client-token-retention-ms` / `CLIENT_TOKEN_RETENTION_MS`: parsed and checked with the other flags,
 * and carried to the service, so that over HTTP a token is answered with its session for that long and
 * is a new request after.
 */
import { CreateStreamingSessionCommand, NimbleClient } from '@aws-sdk/client-nimble';
import { TOKENS } from 'nimble-streaming-sessions';
import { parseServerOptions, startServer } from 'nimble-streaming-sessions/http';
import { describe, expect, it } from 'vitest';
import { ARTIST, ARTIST_PROFILE, STUDIO_ID } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;

describe('client-token retention option', () => {
  it('defaults to 24 hours, and reads the flag before the environment', () => {
    expect(parseServerOptions([], {})._unsafeUnwrap()).toMatchObject({ clientTokenRetentionMs: DAY });
    expect(parseServerOptions([], { CLIENT_TOKEN_RETENTION_MS: '3600000' })._unsafeUnwrap()).toMatchObject({
      clientTokenRetentionMs: 3_600_000,
    });
    expect(
      parseServerOptions(['--client-token-retention-ms', '60000'], {
        CLIENT_TOKEN_RETENTION_MS: '3600000',
      })._unsafeUnwrap(),
    ).toMatchObject({ clientTokenRetentionMs: 60_000 });
  });

  it('refuses a retention that is not a whole number of ms from 1 to 30 days', () => {
    for (const bad of ['0', '-5', '1.5', 'a day', String(30 * DAY + 1)]) {
      const refused = parseServerOptions([`--client-token-retention-ms=${bad}`], {})._unsafeUnwrapErr();
      expect(refused).toContain('client-token-retention-ms');
      expect(refused).toContain(`"${bad}"`);
    }
    expect(parseServerOptions([], { CLIENT_TOKEN_RETENTION_MS: '2592000000' }).isOk()).toBe(true);
  });

  it('answers a token with its session within the retention, and with a new one after it (HTTP)', async () => {
    const RETENTION_MS = 400;
    const options = parseServerOptions(
      ['--port', '0', '--storage', 'memory', '--log-level', 'silent', '--client-token-retention-ms', '400'],
      {},
    )._unsafeUnwrap();
    if (options === 'help') throw new Error('unexpected --help');
    const server = await startServer({ ...options, throttle: false, provisionerLatencyMs: 50 });
    const client = new NimbleClient({
      endpoint: server.url,
      region: 'us-west-2',
      credentials: ARTIST,
      maxAttempts: 1,
    });
    try {
      expect(server.sessions.container.get(TOKENS.ServiceConfig).clientTokenTtlMs).toBe(RETENTION_MS);
      const create = async () =>
        (
          await client.send(
            new CreateStreamingSessionCommand({
              studioId: STUDIO_ID,
              launchProfileId: ARTIST_PROFILE,
              clientToken: 'retention-over-http',
            }),
          )
        ).session!.sessionId!;
      const first = await create();
      expect(await create()).toBe(first);
      await new Promise((resolve) => setTimeout(resolve, RETENTION_MS + 100));
      const second = await create();
      expect(second).not.toBe(first);
      expect(await create()).toBe(second);
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

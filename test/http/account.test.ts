/**
 * The account id in ARNs: from the seed's `accountId`, overridden by `--account-id` / `ACCOUNT_ID`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  NimbleClient,
} from '@aws-sdk/client-nimble';
import { parseServerOptions, startServer } from 'nimble-streaming-sessions/http';
import { describe, expect, it } from 'vitest';
import { ARTIST, ARTIST_PROFILE, RENDER_PROFILE, STUDIO_ID, demoSeed } from './harness.js';

function seedFile(accountId: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'nimble-account-')), 'seed.json');
  writeFileSync(path, JSON.stringify({ ...demoSeed, accountId }));
  return path;
}

/** Starts the server as `npm start` would with these flags and environment, and returns its ARNs. */
async function arnsServed(argv: string[], env: Record<string, string> = {}): Promise<string[]> {
  // In memory: each server starts empty, and none shares a data directory with another test.
  const options = parseServerOptions(
    [...argv, '--port', '0', '--storage', 'memory', '--log-level', 'silent'],
    env,
  )._unsafeUnwrap();
  if (options === 'help') throw new Error('unexpected --help');
  const server = await startServer({ ...options, throttle: false, provisionerLatencyMs: 50 });
  const client = new NimbleClient({ endpoint: server.url, region: 'us-west-2', credentials: ARTIST });
  try {
    const arns: string[] = [];
    for (const launchProfileId of [ARTIST_PROFILE, RENDER_PROFILE]) {
      const { session } = await client.send(
        new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId }),
      );
      const got = await client.send(
        new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: session!.sessionId! }),
      );
      arns.push(session!.arn!, got.session!.arn!);
    }
    return arns;
  } finally {
    client.destroy();
    await server.close();
  }
}

describe('the account id', () => {
  it('puts the seed account id in every ARN', async () => {
    const arns = await arnsServed(['--seed', seedFile('123456789012')]);
    expect(arns).toHaveLength(4);
    for (const arn of arns)
      expect(arn).toMatch(/^arn:aws:nimble:us-west-2:123456789012:streaming-session\/[\w-]{22}$/);
  });

  it('lets --account-id and ACCOUNT_ID override the seed, the flag first', async () => {
    const seed = seedFile('123456789012');
    for (const arn of await arnsServed(['--seed', seed], { ACCOUNT_ID: '210987654321' })) {
      expect(arn.split(':')[4]).toBe('210987654321');
    }
    const options = parseServerOptions(['--account-id', '111122223333'], { ACCOUNT_ID: '210987654321' });
    expect(options._unsafeUnwrap()).toMatchObject({ accountId: '111122223333' });
  });

  it('keeps 000000000000 for a seed without one, and refuses an id that is not 12 digits', async () => {
    for (const arn of await arnsServed([])) expect(arn.split(':')[4]).toBe('000000000000');
    expect(parseServerOptions(['--account-id', '12345'], {})._unsafeUnwrapErr()).toContain('account-id');
    expect(parseServerOptions([], { ACCOUNT_ID: 'abcdefghijkl' })._unsafeUnwrapErr()).toContain(
      '"abcdefghijkl"',
    );
  });
});

/**
 * The AWS CLI against the server: it can pass every session id the server mints. An id that starts with
 * `-` is read as an option by the CLI's argument parser, which is why the server never mints one.
 *
 * Needs an `aws` CLI with the Nimble model: its own (CLI releases up to early 2024), or the botocore model
 * the Google Cloud SDK bundles, loaded through AWS_DATA_PATH. Skipped when neither is on the machine.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamingSessionCommand, waitUntilStreamingSessionReady } from '@aws-sdk/client-nimble';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIST,
  ARTIST_PROFILE,
  RENDER_PROFILE,
  STUDIO_ID,
  startTestServer,
  type TestServer,
} from './harness.js';

const BUNDLED_MODEL = '/usr/lib/google-cloud-sdk/lib/third_party/botocore/data/nimble';

const baseEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  AWS_ACCESS_KEY_ID: ARTIST.accessKeyId,
  AWS_SECRET_ACCESS_KEY: ARTIST.secretAccessKey,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PAGER: '',
};

/** The environment under which `aws nimble` works here, or undefined when it cannot. */
function cliEnvironment(): NodeJS.ProcessEnv | undefined {
  const works = (env: NodeJS.ProcessEnv) =>
    spawnSync('aws', ['nimble', 'get-streaming-session', 'help'], { env, timeout: 60_000 }).status === 0;
  if (spawnSync('aws', ['--version'], { env: baseEnv, timeout: 60_000 }).status !== 0) return undefined;
  if (works(baseEnv)) return baseEnv;
  if (!existsSync(BUNDLED_MODEL)) return undefined;
  const dataPath = mkdtempSync(join(tmpdir(), 'aws-data-'));
  symlinkSync(BUNDLED_MODEL, join(dataPath, 'nimble'));
  const env = { ...baseEnv, AWS_DATA_PATH: dataPath };
  return works(env) ? env : undefined;
}

const env = cliEnvironment();

function aws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(env === undefined)('the AWS CLI', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Small pages, so the CLI's automatic pagination has several to follow.
    server = await startTestServer({ config: { listPageSize: 2 } });
  });
  afterAll(() => server.close());

  const getSession = (sessionId: string) =>
    aws([
      'nimble',
      'get-streaming-session',
      '--endpoint-url',
      server.url,
      '--region',
      'us-west-2',
      '--studio-id',
      STUDIO_ID,
      '--session-id',
      sessionId,
      '--query',
      'session.sessionId',
      '--output',
      'text',
    ]);

  it('passes the ids the server mints to get-streaming-session', async () => {
    const client = server.client();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { session } = await client.send(
        new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: RENDER_PROFILE }),
      );
      ids.push(session!.sessionId!);
    }
    for (const id of ids) {
      const result = await getSession(id);
      expect(result).toMatchObject({ code: 0, stdout: `${id}\n` });
    }
  });

  it('would read an id starting with - as an option', async () => {
    const result = await getSession('-KFlMxmWQ4mEYBWQ2o0Fcw');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--session-id: expected one argument');
  });

  /** `aws nimble <command…> --studio-id … --session-id <id> [more]` against the test server. */
  const nimble = (command: string[], sessionId: string, ...more: string[]) =>
    aws([
      'nimble',
      ...command,
      '--endpoint-url',
      server.url,
      '--region',
      'us-west-2',
      '--studio-id',
      STUDIO_ID,
      '--session-id',
      sessionId,
      ...more,
    ]);
  const stateText = ['--query', 'session.state', '--output', 'text'];

  it('stops and deletes a session, waiting with streaming-session-stopped and streaming-session-deleted', async () => {
    const client = server.client();
    const { session } = await client.send(
      new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE }),
    );
    const sessionId = session!.sessionId!;
    await waitUntilStreamingSessionReady(
      { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { studioId: STUDIO_ID, sessionId },
    );
    // botocore sends `{}` as Stop's body and makes up a client token for Stop and Delete.
    expect(await nimble(['stop-streaming-session'], sessionId, ...stateText)).toMatchObject({
      code: 0,
      stdout: 'STOP_IN_PROGRESS\n',
    });
    expect(await nimble(['wait', 'streaming-session-stopped'], sessionId)).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(await nimble(['get-streaming-session'], sessionId, ...stateText)).toMatchObject({
      code: 0,
      stdout: 'STOPPED\n',
    });

    expect(await nimble(['delete-streaming-session'], sessionId, ...stateText)).toMatchObject({
      code: 0,
      stdout: 'DELETE_IN_PROGRESS\n',
    });
    expect(await nimble(['wait', 'streaming-session-deleted'], sessionId)).toMatchObject({
      code: 0,
      stderr: '',
    });
    // Deleting it again answers 200 with the session, DELETED: a clean-up script may run twice.
    expect(await nimble(['delete-streaming-session'], sessionId, ...stateText)).toMatchObject({
      code: 0,
      stdout: 'DELETED\n',
    });
  });

  it('follows nextToken through every page of list-streaming-sessions', async () => {
    const client = server.client();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { session } = await client.send(
        new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: RENDER_PROFILE }),
      );
      ids.push(session!.sessionId!);
    }
    const listed = await aws([
      'nimble',
      'list-streaming-sessions',
      '--endpoint-url',
      server.url,
      '--region',
      'us-west-2',
      '--studio-id',
      STUDIO_ID,
      '--output',
      'json',
    ]);
    expect(listed.code).toBe(0);
    const { sessions } = JSON.parse(listed.stdout) as { sessions: { sessionId: string }[] };
    const seen = sessions.map((s) => s.sessionId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
  });

  it('prints UnknownOperationException for an operation this server does not have', async () => {
    const result = await aws([
      'nimble',
      'get-studio',
      '--endpoint-url',
      server.url,
      '--region',
      'us-west-2',
      '--studio-id',
      STUDIO_ID,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('(UnknownOperationException)');
  });
});

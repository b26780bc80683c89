/**
 * The AWS CLI against the server: it can pass every session id the server mints. An id that starts with
 * `-` is read as an option by the CLI's argument parser, which is why the server never mints one.
 *
 * Needs the `aws` CLI (version 1, botocore) on the PATH, as PostgreSQL is needed by the PostgreSQL tests.
 * The Nimble model comes from test/fixtures/botocore through AWS_DATA_PATH, since current CLI releases no
 * longer ship it; a CLI that still has its own uses the same model.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
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

const MODEL = fileURLToPath(new URL('../fixtures/botocore', import.meta.url));

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

const env: NodeJS.ProcessEnv = { ...baseEnv, AWS_DATA_PATH: MODEL };

/** Why `aws nimble` cannot run here, or undefined when it can. */
function cliProblem(): string | undefined {
  const version = spawnSync('aws', ['--version'], { env, timeout: 60_000 });
  if (version.error !== undefined || version.status !== 0) {
    return 'the AWS CLI (`aws`, version 1) is not on the PATH; install it to run these tests';
  }
  const help = spawnSync('aws', ['nimble', 'get-streaming-session', 'help'], { env, timeout: 60_000 });
  return help.status === 0 ? undefined : `\`aws nimble\` does not load the model: ${String(help.stderr)}`;
}

function aws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the AWS CLI', () => {
  let server: TestServer;
  beforeAll(async () => {
    const problem = cliProblem();
    if (problem !== undefined) throw new Error(problem);
    // Small pages, so the CLI's automatic pagination has several to follow.
    server = await startTestServer({ config: { listPageSize: 2 } });
  });
  afterAll(async () => {
    // Set only once the CLI was found: a missing CLI is the error to see, not this.
    if ((server as TestServer | undefined) !== undefined) await server.close();
  });

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

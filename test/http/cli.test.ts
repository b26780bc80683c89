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
import { CreateStreamingSessionCommand } from '@aws-sdk/client-nimble';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIST, RENDER_PROFILE, STUDIO_ID, startTestServer, type TestServer } from './harness.js';

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
    server = await startTestServer();
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
});

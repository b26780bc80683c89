/**
 * The start-up banner's copy-paste examples: with the secret for the bundled demo seed, whose secrets are
 * published, and for any other seed with the access key id, where its secret is, and the secret read from
 * the environment. The server runs from source (`src/server/main.ts`) as a child process, as `npm start`
 * runs it from the build.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Seed } from 'nimble-streaming-sessions';
import { afterAll, describe, expect, it } from 'vitest';
import { banner, DEMO_SEED_SHA256, isDemoSeed, seedDigest } from '../../src/server/banner.js';
import { ARTIST, ARTIST_PRINCIPAL, demoSeed } from './harness.js';
import { ROOT } from './server-process.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Writes a seed file in a directory of its own. */
async function seedFileOf(seed: Seed): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nss-banner-'));
  dirs.push(dir);
  const file = join(dir, 'seed.json');
  await writeFile(file, JSON.stringify(seed, null, 2));
  return file;
}

/** Everything the server prints up to the end of its banner; the server is stopped afterwards. */
async function bannerOf(seedFile?: string): Promise<string> {
  const args = ['--import', 'tsx', 'src/server/main.ts', '--storage', 'memory', '--port', '0'];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['SEED_FILE', 'STORAGE', 'PORT'].includes(name)),
  );
  const child = spawn(process.execPath, seedFile === undefined ? args : [...args, '--seed', seedFile], {
    cwd: ROOT,
    env: { ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = once(child, 'close');
  let text = '';
  const printed = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Press Ctrl+C to stop.')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('close', () => {
      reject(new Error(`exited before its banner:\n${text}`));
    });
  });
  try {
    await printed;
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
  return text;
}

/** The demo seed with other secrets: a user's copy, edited. */
const edited: Seed = {
  ...demoSeed,
  credentials: [
    ...(demoSeed.credentials ?? []).map((c, i) => ({
      ...c,
      secretAccessKey: `a-real-secret-nobody-may-see-${String(i).padStart(12, '0')}`,
    })),
    {
      accessKeyId: 'ASIAEDITEDTEMPORARY1',
      secretAccessKey: 'a-real-temporary-secret-000000000000001',
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//a/real/token==',
      principalId: 'someone-else',
      kind: 'STUDIO_USER',
    },
  ],
};
const secretsOf = (seed: Seed) =>
  (seed.credentials ?? []).flatMap((c) =>
    c.sessionToken === undefined ? [c.secretAccessKey] : [c.secretAccessKey, c.sessionToken],
  );

describe('the start-up banner', () => {
  it('prints no secret of a seed other than the demo, and says which key signs and where its secret is', async () => {
    const seedFile = await seedFileOf(edited);
    const text = await bannerOf(seedFile);
    expect(text).toContain('listening on http://127.0.0.1:');
    for (const secret of secretsOf(edited)) expect(text).not.toContain(secret);
    expect(text).toContain(`export AWS_ACCESS_KEY_ID=${ARTIST.accessKeyId}`);
    const index = (edited.credentials ?? []).findIndex((c) => c.accessKeyId === ARTIST.accessKeyId);
    expect(text).toContain(`credentials[${index}].secretAccessKey in ${seedFile}`);
    expect(text).toContain(
      `credentials: { accessKeyId: '${ARTIST.accessKeyId}', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY }`,
    );
    expect(text).not.toContain('AWS_SECRET_ACCESS_KEY=');
  }, 60_000);

  it("prints the bundled demo seed's example with its published secret", async () => {
    const text = await bannerOf();
    expect(text).toContain(
      `export AWS_ACCESS_KEY_ID=${ARTIST.accessKeyId} AWS_SECRET_ACCESS_KEY=${ARTIST.secretAccessKey}`,
    );
    expect(text).toContain(
      `credentials: { accessKeyId: '${ARTIST.accessKeyId}', secretAccessKey: '${ARTIST.secretAccessKey}' }`,
    );
  }, 60_000);

  it('knows the demo by its content: the digest is that of seeds/demo.json, wherever a copy lies', async () => {
    const shipped = JSON.parse(await readFile(join(ROOT, 'seeds/demo.json'), 'utf8')) as Seed;
    // When seeds/demo.json changes, DEMO_SEED_SHA256 in src/server/banner.ts must become this digest.
    expect(seedDigest(shipped)).toBe(DEMO_SEED_SHA256);
    expect(isDemoSeed(shipped)).toBe(true);
    // Laid out differently, or in another file, it is still the demo; any change of content is not.
    expect(isDemoSeed(JSON.parse(JSON.stringify(shipped)) as Seed)).toBe(true);
    expect(isDemoSeed(edited)).toBe(false);
    const oneChange: Seed = {
      ...shipped,
      credentials: (shipped.credentials ?? []).map((c) =>
        c.accessKeyId === ARTIST.accessKeyId ? { ...c, secretAccessKey: 'edited' } : c,
      ),
    };
    expect(isDemoSeed(oneChange)).toBe(false);
  });

  it("reads a temporary key's token from the environment too", () => {
    const temporary: Seed = {
      ...demoSeed,
      credentials: [
        {
          accessKeyId: 'ASIATEMPORARYARTIST1',
          secretAccessKey: 'temporary-secret-000000000000000000001',
          sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//temporary==',
          principalId: ARTIST_PRINCIPAL,
          kind: 'STUDIO_USER',
        },
      ],
    };
    const text = banner(
      {
        url: 'http://127.0.0.1:8080',
        probes: { health: 'http://127.0.0.1:8080/health', ready: 'http://127.0.0.1:8080/ready' },
        seed: temporary,
        storageDescription: 'in memory',
      },
      { seedFile: '/srv/seed.json', provisionerLatencyMs: 3000 },
    );
    for (const secret of secretsOf(temporary)) expect(text).not.toContain(secret);
    expect(text).toContain('credentials[0].sessionToken');
    expect(text).toContain('sessionToken: process.env.AWS_SESSION_TOKEN');
  });
});

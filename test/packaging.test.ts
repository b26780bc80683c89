/**
 * The package as a consumer meets it: built into a scratch copy (so a build running beside this test
 * cannot tear a file), packed with `npm pack`, installed into an empty project with nothing but the
 * documented installs (TypeScript and Node's types, plus fast-check and vitest for `./testing`), then
 * type-checked with `strict` and without `skipLibCheck` (TypeScript's default), and imported entry by
 * entry by Node.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
let scratch: string | undefined;

afterAll(async () => {
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** The exact version the project itself pins, so the consumer installs what the lock file has. */
async function pinned(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const version = manifest.devDependencies[name];
  if (version === undefined) throw new Error(`${name} is not a dev dependency`);
  return `${name}@${version}`;
}

describe('the packed package in a strict consumer', () => {
  it('type-checks and imports every public entry with only the documented installs', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nss-pack-'));
    const pkg = join(scratch, 'pkg');
    const consumer = join(scratch, 'consumer');
    await mkdir(pkg);
    await mkdir(consumer);
    for (const entry of ['package.json', 'README.md', 'seeds', 'docs']) {
      await cp(join(ROOT, entry), join(pkg, entry), { recursive: true });
    }
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [
      tsc,
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(pkg, 'dist'),
    ]);
    await run('npm', ['pack', '--silent'], { cwd: pkg });
    const tarball = (await readdir(pkg)).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          types: ['node'],
          noEmit: true,
        },
        include: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.ts'),
      [
        "import { createStreamingSessions, type StreamingSessionView } from 'nimble-streaming-sessions';",
        "import { StreamingSession, type StreamingSessionEvent } from 'nimble-streaming-sessions/domain';",
        "import { DeciderSpecification, VirtualClock } from 'nimble-streaming-sessions/testing';",
        "import { createHttpServer, startServer } from 'nimble-streaming-sessions/http';",
        "import { postgresStorage, migrate, embeddedPostgres, type PostgresStorageAdapter } from 'nimble-streaming-sessions/postgres';",
        'export const parts = [createStreamingSessions, StreamingSession, DeciderSpecification, VirtualClock, createHttpServer, startServer, postgresStorage, migrate, embeddedPostgres];',
        'export type Parts = StreamingSessionView | StreamingSessionEvent | PostgresStorageAdapter;',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(consumer, 'imports.mjs'),
      [
        "for (const entry of ['', '/domain', '/testing', '/http', '/postgres']) {",
        '  const loaded = await import(`nimble-streaming-sessions${entry}`);',
        "  console.log(entry || '.', Object.keys(loaded).length);",
        '}',
        '',
      ].join('\n'),
    );
    const installs = [
      join(pkg, tarball!),
      await pinned('typescript'),
      await pinned('@types/node'),
      await pinned('fast-check'),
      await pinned('vitest'),
    ];
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...installs], {
      cwd: consumer,
    });

    const checked = await run(process.execPath, [
      join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      consumer,
    ]).then(
      () => 'ok',
      // tsc reports its diagnostics on stdout; show them when the check fails.
      (error: unknown) => (error as { stdout?: string }).stdout ?? 'tsc failed without output',
    );
    expect(checked).toBe('ok');
    const { stdout } = await run(process.execPath, ['imports.mjs'], { cwd: consumer });
    expect(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')[0]),
    ).toEqual(['.', '/domain', '/testing', '/http', '/postgres']);

    // Embedded storage without its optional peer installed: a message that says what to install.
    await writeFile(
      join(consumer, 'embedded.mjs'),
      [
        "import { createStreamingSessions } from 'nimble-streaming-sessions';",
        "import { embeddedPostgres } from 'nimble-streaming-sessions/postgres';",
        "const seed = JSON.parse(await (await import('node:fs/promises')).readFile(process.argv[2], 'utf8'));",
        'const storage = embeddedPostgres({ dataDir: process.argv[3] });',
        'try {',
        '  const sessions = await createStreamingSessions({ catalog: seed, storage, startProvisioning: false });',
        '  const studio = seed.studios[0];',
        '  const profile = seed.launchProfiles.find((p) => p.studioId === studio.studioId);',
        '  const member = profile.launchProfileMembers[0].principalId;',
        '  const created = await sessions.createStreamingSession(',
        '    { studioId: studio.studioId, launchProfileId: profile.launchProfileId },',
        "    { principalId: member, kind: 'STUDIO_USER' },",
        '  );',
        "  console.log('created', created._unsafeUnwrap().state);",
        '  await sessions.close();',
        '} catch (error) {',
        "  console.log('refused', error.message);",
        '}',
        '',
      ].join('\n'),
    );
    const dataDir = join(consumer, 'data');
    const seedFile = join(ROOT, 'seeds', 'demo.json');
    const without = await run(process.execPath, ['embedded.mjs', seedFile, dataDir], { cwd: consumer });
    expect(without.stdout).toContain(
      'refused Embedded PostgreSQL needs the optional package @electric-sql/pglite',
    );
    // With it, as the README says to install it, the same script keeps a session in the directory.
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', await pinned('@electric-sql/pglite')],
      {
        cwd: consumer,
      },
    );
    const withPglite = await run(process.execPath, ['embedded.mjs', seedFile, dataDir], { cwd: consumer });
    expect(withPglite.stdout).toContain('created CREATE_IN_PROGRESS');
  }, 300_000);
});

/**
 * A new embedded database starts as a copy of the pre-initialised data directory that `npm run build`
 * makes, instead of running initdb in the process; a data directory that exists, such as one written by an
 * earlier release (initdb in the process, PostgreSQL's default shared_buffers), opens as it is, with
 * every session. These tests need the build's template: `npm run build` (or `node
 * scripts/pgdata-template.mjs`) before them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamingSessions, type StreamingSessions } from 'nimble-streaming-sessions';
import {
  EMBEDDED_SETTINGS,
  embeddedPostgres,
  PGDATA_SUBDIRECTORY,
  type EmbeddedPostgresOptions,
} from '../../src/adapters/postgres/embedded/embedded.js';
import {
  createFromTemplate,
  DEFAULT_TEMPLATE_DIRECTORY,
  findTemplate,
  installedPgliteVersion,
  TEMPLATE_MANIFEST,
} from '../../src/adapters/postgres/embedded/template.js';
import { ARTIST, LP, ManualClock, STUDIO_ID, testSeed } from '../application/fixtures.js';
import { ROOT } from '../http/server-process.js';

const SESSIONS = 25;
let work: string;

beforeAll(async () => {
  if (findTemplate() === undefined)
    execFileSync(process.execPath, [join(ROOT, 'scripts/pgdata-template.mjs')], { stdio: 'inherit' });
  work = await mkdtemp(join(tmpdir(), 'nss-template-'));
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function service(options: EmbeddedPostgresOptions): Promise<StreamingSessions> {
  return createStreamingSessions({
    catalog: testSeed({ maxSessions: 1000 }),
    storage: embeddedPostgres(options),
    clock: new ManualClock(),
    startProvisioning: false,
  });
}

async function systemIdentifier(dataDir: string, options: EmbeddedPostgresOptions = {}): Promise<string> {
  const storage = embeddedPostgres({ dataDir, ...options });
  try {
    const { rows } = await storage.database.pool.query<{ id: string }>(
      'select system_identifier::text as id from pg_control_system()',
    );
    return rows[0]!.id;
  } finally {
    await storage.close();
  }
}

describe('the pre-initialised data directory', () => {
  it('is found for the installed PGlite, and not for another version', async () => {
    expect(findTemplate()).toMatchObject({ pgliteVersion: installedPgliteVersion() });
    const other = join(work, 'other-version');
    mkdirSync(other);
    const manifest = JSON.parse(
      await readFile(join(DEFAULT_TEMPLATE_DIRECTORY, TEMPLATE_MANIFEST), 'utf8'),
    ) as {
      archive: string;
    };
    writeFileSync(
      join(other, TEMPLATE_MANIFEST),
      JSON.stringify({
        ...manifest,
        pgliteVersion: '0.0.1',
        archive: join(DEFAULT_TEMPLATE_DIRECTORY, manifest.archive),
      }),
    );
    expect(findTemplate(other)).toBeUndefined();
    expect(findTemplate(join(work, 'nowhere'))).toBeUndefined();
  });

  it('is what a new data directory starts from; without it, initdb makes one of its own', async () => {
    // Every copy of the template is the same cluster; initdb gives each database a new identifier.
    const [a, b] = [await systemIdentifier(join(work, 'a')), await systemIdentifier(join(work, 'b'))];
    const own = await systemIdentifier(join(work, 'c'), { template: false });
    expect(a).toBe(b);
    expect(own).not.toBe(a);
    // In memory too.
    const memory = embeddedPostgres();
    try {
      const { rows } = await memory.database.pool.query<{ id: string; shared: string }>(
        "select system_identifier::text as id, current_setting('shared_buffers') as shared from pg_control_system()",
      );
      expect(rows[0]).toEqual({ id: a, shared: EMBEDDED_SETTINGS.shared_buffers });
    } finally {
      await memory.close();
    }
  });

  it('opens a data directory written by an earlier release as it is, with every session', async () => {
    const dataDir = join(work, 'earlier-release');
    // What the earlier release did: initdb in the process, PostgreSQL's default shared_buffers.
    const before = await service({ dataDir, template: false, settings: { shared_buffers: '128MB' } });
    const created: string[] = [];
    try {
      for (let i = 0; i < SESSIONS; i++) {
        const result = await before.createStreamingSession(
          { studioId: STUDIO_ID, launchProfileId: LP, clientToken: `upgrade-${String(i)}` },
          ARTIST,
        );
        created.push(result._unsafeUnwrap().sessionId);
      }
    } finally {
      await before.close();
    }
    const identifier = await systemIdentifier(dataDir, { template: false });

    const after = await service({ dataDir });
    try {
      const listed = (await after.listStreamingSessions({ studioId: STUDIO_ID }, ARTIST))._unsafeUnwrap();
      expect(listed.sessions.map((s) => s.sessionId).sort()).toEqual([...created].sort());
      // Client tokens survive: a retry is answered with the session it made.
      const again = await after.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP, clientToken: 'upgrade-7' },
        ARTIST,
      );
      expect(again._unsafeUnwrap().sessionId).toBe(created[7]);
    } finally {
      await after.close();
    }
    expect(await systemIdentifier(dataDir)).toBe(identifier);
  }, 120_000);

  it('copies no lock file of the process that made it, and removes what a copy killed halfway left', async () => {
    const copy = join(work, 'copy', PGDATA_SUBDIRECTORY);
    mkdirSync(join(work, 'copy'));
    await createFromTemplate(findTemplate()!, copy);
    expect(existsSync(join(copy, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(copy, 'postmaster.pid'))).toBe(false);

    const dataDir = join(work, 'leftovers');
    mkdirSync(join(dataDir, `${PGDATA_SUBDIRECTORY}.partial-999999`, 'base'), { recursive: true });
    writeFileSync(join(dataDir, `${PGDATA_SUBDIRECTORY}.partial-999999`, 'PG_VERSION'), '18\n');
    const sessions = await service({ dataDir });
    try {
      const created = await sessions.createStreamingSession(
        { studioId: STUDIO_ID, launchProfileId: LP },
        ARTIST,
      );
      expect(created.isOk()).toBe(true);
    } finally {
      await sessions.close();
    }
    expect(readdirSync(dataDir).filter((name) => name.includes('.partial-'))).toEqual([]);
  });

  it('refuses an archive naming a path outside the data directory, and leaves nothing behind', async () => {
    const header = Buffer.alloc(512);
    header.write('../escaped', 0);
    header.write('0000644\0', 100);
    header.write('00000000005\0', 124);
    header[156] = '0'.charCodeAt(0);
    header.write('ustar\0', 257);
    const tar = Buffer.concat([header, Buffer.from('hello'), Buffer.alloc(507), Buffer.alloc(1024)]);
    const archive = join(work, 'evil.tar.gz');
    writeFileSync(archive, gzipSync(tar));
    const target = join(work, 'evil', 'pgdata');
    mkdirSync(join(work, 'evil'));
    await expect(createFromTemplate({ archive, pgliteVersion: 'x' }, target)).rejects.toThrow(/outside/);
    expect(readdirSync(join(work, 'evil'))).toEqual([]);
    expect(existsSync(join(work, 'escaped'))).toBe(false);
  });
});

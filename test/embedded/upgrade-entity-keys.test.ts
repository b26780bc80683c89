import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedPostgres } from '../../src/adapters/postgres/embedded/embedded.js';
import { migrate, schemaVersion } from '../../src/adapters/postgres/migrate.js';
import { LATEST_SCHEMA_VERSION } from '../../src/adapters/postgres/migrations/index.js';
import { PREVIOUS_SCHEMA_VERSION } from '../postgres/previous-release.js';
import { expectUpgraded, writePreviousRelease } from '../postgres/upgrade-scenario.js';
import { subjectOf } from './support.js';

const directories: string[] = [];

afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe('migration 5 on an embedded data directory', () => {
  it('opens a data directory the previous release wrote with every session, token, quota slot and job intact', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'nss-upgrade-'));
    directories.push(dataDir);
    const before = embeddedPostgres({ dataDir });
    const { pool, schema } = before.database;
    expect(await migrate(pool, { schema, toVersion: PREVIOUS_SCHEMA_VERSION })).toMatchObject({
      version: PREVIOUS_SCHEMA_VERSION,
    });
    const previous = await writePreviousRelease((sql, values) => pool.query(sql, values), schema);
    await before.close();

    // The new release opens the directory as it starts, and migrates it.
    const after = embeddedPostgres({ dataDir });
    await after.open();
    try {
      expect(await schemaVersion(after.database.pool, after.database.schema)).toBe(LATEST_SCHEMA_VERSION);
      await expectUpgraded(subjectOf(after), previous);
    } finally {
      await after.close();
    }
  });
});

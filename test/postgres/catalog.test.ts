/**
 * The catalog in tables: loaded from the same seed file as the in-memory catalog, it gives the same
 * answers; it caches per studio, so a warm create pays no catalog round trip; and it follows changes.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InMemoryCatalog, parseSeed, type Catalog, type Seed } from 'nimble-streaming-sessions';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { testSeed } from '../application/fixtures.js';
import { longKey, retainedBy } from '../support/heap.js';
import { DATABASE_URL, dropSchema, freshSchema, newPool } from './support.js';

const demo = parseSeed(
  JSON.parse(readFileSync(new URL('../../seeds/demo.json', import.meta.url), 'utf8')),
)._unsafeUnwrap();
const pool = newPool(4);
let schema: string;

/** A pool that counts the statements it runs. */
class CountingPool extends pg.Pool {
  queries = 0;
  override connect(): Promise<pg.PoolClient> {
    this.queries += 1;
    return super.connect();
  }
}

/** Every question the handlers ask, for every studio, profile, image and principal the seed names. */
async function answers(catalog: Catalog, seed: Seed): Promise<unknown[]> {
  const studios = [...seed.studios.map((s) => s.studioId), 'us-west-2:stid-unknown0000000', 'bad\u0000id'];
  const profiles = [...(seed.launchProfiles ?? []).map((p) => p.launchProfileId), 'LpUnknown'];
  const images = [...(seed.streamingImages ?? []).map((i) => i.streamingImageId), 'ImgUnknown'];
  const principals = [
    ...seed.studios.flatMap((s) => (s.studioMembers ?? []).map((m) => m.principalId)),
    ...(seed.launchProfiles ?? []).flatMap((p) => (p.launchProfileMembers ?? []).map((m) => m.principalId)),
    'nobody',
  ];
  const out: unknown[] = [];
  for (const studio of studios) {
    out.push(
      await catalog.getStudio(studio),
      await catalog.listAcceptedEulaIds(studio),
      await catalog.getQuotaLimits(studio),
    );
    for (const image of images) out.push(await catalog.getStreamingImage(studio, image));
    for (const profile of profiles) {
      out.push(await catalog.getLaunchProfile(studio, profile));
      for (const p of principals) out.push(await catalog.isLaunchProfileMember(studio, profile, p));
    }
    for (const p of principals) {
      out.push(await catalog.isStudioAdmin(studio, p), await catalog.isMemberOfAnyLaunchProfile(studio, p));
    }
  }
  return out;
}

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_catalog');
  await loadSeed(pool, demo, { schema });
  await loadSeed(pool, testSeed(), { schema });
});

afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describe('PostgresCatalog', () => {
  it.each([
    ['the demo seed', demo],
    ['the application test seed', testSeed()],
  ])('answers like the in-memory catalog for %s', async (_name, seed) => {
    const catalog = new PostgresCatalog({ pool, schema });
    expect(await answers(catalog, seed)).toEqual(await answers(new InMemoryCatalog(seed), seed));
  });

  it('loads a studio once and then answers from memory', async () => {
    const counting = new CountingPool({ connectionString: DATABASE_URL, max: 2 });
    const catalog = new PostgresCatalog({ pool: counting, schema, refreshMs: 60_000 });
    const studio = demo.studios[0]!.studioId;
    await Promise.all([
      catalog.getStudio(studio),
      catalog.getQuotaLimits(studio),
      catalog.listAcceptedEulaIds(studio),
    ]);
    expect(counting.queries).toBe(1);
    // Every question about the demo studio, and about the two unknown studios `answers` adds: one load
    // each, however many questions, and none the second time round.
    const seed = { studios: [demo.studios[0]!], launchProfiles: demo.launchProfiles ?? [] };
    await answers(catalog, seed);
    expect(counting.queries).toBe(3);
    await answers(catalog, seed);
    expect(counting.queries).toBe(3);
    await counting.end();
  });

  it('follows a change at once after invalidate, and by itself after the refresh interval', async () => {
    const seed = testSeed();
    const studioId = seed.studios[0]!.studioId;
    const cached = new PostgresCatalog({ pool, schema, refreshMs: 60_000 });
    const refreshing = new PostgresCatalog({ pool, schema, refreshMs: 0 });
    expect((await cached.getQuotaLimits(studioId)).maxSessions).toBe(1000);
    expect((await refreshing.getQuotaLimits(studioId)).maxSessions).toBe(1000);

    await loadSeed(
      pool,
      { ...seed, studios: [{ ...seed.studios[0]!, quotas: { maxSessions: 7 } }] },
      { schema },
    );
    expect((await cached.getQuotaLimits(studioId)).maxSessions).toBe(1000);
    cached.invalidate(studioId);
    expect((await cached.getQuotaLimits(studioId)).maxSessions).toBe(7);
    await vi.waitFor(async () => {
      expect((await refreshing.getQuotaLimits(studioId)).maxSessions).toBe(7);
    });
    await loadSeed(pool, seed, { schema });
  });

  it('replaces what a reloaded seed no longer names for its studios', async () => {
    const seed = testSeed();
    const studio = seed.studios[0]!;
    const admin = studio.studioMembers![0]!.principalId;
    const catalog = new PostgresCatalog({ pool, schema, refreshMs: 60_000 });
    expect(await catalog.isStudioAdmin(studio.studioId, admin)).toBe(true);
    await loadSeed(pool, { ...seed, studios: [{ ...studio, studioMembers: [] }] }, { schema });
    catalog.invalidate();
    expect(await catalog.isStudioAdmin(studio.studioId, admin)).toBe(false);
    await loadSeed(pool, seed, { schema });
  });

  it('remembers at most maxCachedUnknownStudios made-up ids, and they never push a real studio out', async () => {
    const catalog = new PostgresCatalog({
      pool,
      schema,
      refreshMs: 60_000,
      maxCachedStudios: 2,
      maxCachedUnknownStudios: 50,
    });
    const real = demo.studios[0]!.studioId;
    expect(await catalog.getStudio(real)).toBeDefined();
    const retained = await retainedBy(async () => {
      for (let i = 0; i < 1_000; i++) {
        expect(await catalog.getStudio(longKey('us-west-2:stid-', i))).toBeUndefined();
      }
    });
    expect(catalog.cached).toEqual({ studios: 1, unknown: 50 });
    // 1,000 ids of 2,000 characters, each with a catalog of its own, were about 4 MB before the bound.
    expect(retained).toBeLessThan(1024 * 1024);
    // Still cached: asking again costs no query.
    const counting = new CountingPool({ connectionString: DATABASE_URL, max: 1 });
    const warm = new PostgresCatalog({
      pool: counting,
      schema,
      refreshMs: 60_000,
      maxCachedUnknownStudios: 50,
    });
    await warm.getStudio(real);
    for (let i = 0; i < 200; i++) await warm.getStudio(longKey('us-west-2:stid-', i));
    const before = counting.queries;
    expect(await warm.getStudio(real)).toBeDefined();
    expect(counting.queries).toBe(before);
    await counting.end();
  });
});

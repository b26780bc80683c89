/**
 * Every per-key map the process keeps has a bound: each test drives more distinct keys than the bound
 * (long ones, as a hostile caller would send) and measures what stays on the heap after collection.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { TokenBucketThrottle, PRUNE_ABOVE } from '../../src/adapters/http/throttle.js';
import { SigningKeyCache } from '../../src/adapters/http/sigv4-keys.js';
import { SimulatedProvisioner } from '../../src/adapters/provisioner/simulated.js';
import { KeyedMutex } from '../../src/application/keyed-mutex.js';
import { LedgerCache } from '../../src/application/ledger-cache.js';
import type { InstanceSpec } from '../../src/application/ports/provisioner.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { Caller } from 'nimble-streaming-sessions';
import { heapAfterGc, longKey, retainedBy } from '../support/heap.js';
import { ADMIN, ARTIST, ManualClock, OUTSIDER, PIPELINE, testService } from './fixtures.js';

const MB = 1024 * 1024;

const spec = (sessionId: string): InstanceSpec => ({
  studioId: 'us-west-2:stid-bounds',
  sessionId,
  launchProfileId: 'LpBounds',
  ec2InstanceType: 'g4dn.xlarge',
  streamingImageId: 'ImgBounds',
  ownedBy: ARTIST.principalId,
});
/** 5,000 distinct 2,000-character keys: about 10 MB if a map kept them all. */
const PROBES = 5_000;

describe('Creates for studios that do not exist keep nothing', () => {
  it.each<[string, Caller]>([
    ['a principal that belongs to nothing', OUTSIDER],
    ['a member of another studio', ARTIST],
    ['an administrator of another studio', ADMIN],
    ['an IAM principal', PIPELINE],
  ])('%s: 5,000 made-up studio ids leave under 1 MB and no ledger', async (_name, caller) => {
    const service = await testService();
    const ledgers = service.sessions.container.get(LedgerCache);
    const create = (i: number) =>
      service.sessions.createStreamingSession(
        {
          studioId: longKey('us-west-2:stid-', i),
          launchProfileId: 'LpArtistWorkstation',
          ...(caller.kind === 'IAM' ? { ownedBy: ARTIST.principalId } : {}),
        },
        caller,
      );
    // Warm up once, so the compiled code and first-use allocations are not counted.
    expect((await create(-1)).isErr()).toBe(true);
    const retained = await retainedBy(async () => {
      for (let i = 0; i < PROBES; i++) {
        const result = await create(i);
        expect(result.isErr()).toBe(true);
      }
    });
    expect(retained).toBeLessThan(1 * MB);
    expect(ledgers.size).toBe(0);
    await service.sessions.close();
  });
});

describe('Per-key caches hold no more than their bound', () => {
  it('LedgerCache: 5,000 studios through a cache of 100 keep 100 ledgers', async () => {
    const service = await testService();
    const cache = LedgerCache.withCapacity(service.sessions.container.get(TOKENS.EventStore), 100);
    const retained = await retainedBy(async () => {
      for (let i = 0; i < PROBES; i++) await cache.load(longKey('us-west-2:stid-', i));
    });
    expect(cache.size).toBe(100);
    expect(retained).toBeLessThan(2 * MB);
    await service.sessions.close();
  });

  it('KeyedMutex: 5,000 keys, run and settled, leave nothing behind', async () => {
    const mutex = new KeyedMutex();
    const retained = await retainedBy(async () => {
      await Promise.all(
        Array.from({ length: PROBES }, (_, i) =>
          mutex.run(longKey('k', i), () => new Promise((resolve) => setTimeout(resolve, 1))),
        ),
      );
    });
    expect(retained).toBeLessThan(1 * MB);
  });

  it(`TokenBucketThrottle: 3 × ${PRUNE_ABOVE} busy principals keep ${PRUNE_ABOVE} buckets`, async () => {
    const clock = new ManualClock();
    const throttle = new TokenBucketThrottle({ ratePerSecond: 1, burst: 5 }, clock);
    // No time passes: no bucket refills, so pruning full ones frees nothing and the bound must evict.
    const fill = (from: number, to: number) => {
      for (let i = from; i < to; i++) throttle.take(longKey('AIDA', i, 200));
    };
    fill(0, PRUNE_ABOVE);
    const atBound = await heapAfterGc();
    fill(PRUNE_ABOVE, 3 * PRUNE_ABOVE);
    const past = await heapAfterGc();
    expect(throttle.size).toBe(PRUNE_ABOVE);
    // 20,000 more 200-character principals would be about 4 MB more if they were kept.
    expect(past - atBound).toBeLessThan(1 * MB);
    // The principals that were kept are still throttled as before.
    expect(throttle.take(longKey('AIDA', 3 * PRUNE_ABOVE - 1, 200))).toBe(0);
  });

  it('SigningKeyCache: 5,000 scopes through a cache of 64 keep 64 keys', async () => {
    const cache = new SigningKeyCache(64);
    const retained = await retainedBy(() => {
      for (let i = 0; i < PROBES; i++) {
        const scope = {
          accessKeyId: longKey('AKIA', i, 128),
          date: '20261204',
          region: 'us-west-2',
          service: 'nimble',
        };
        cache.set(scope, 'secret', createHash('sha256').update(String(i)).digest());
      }
      return Promise.resolve();
    });
    expect(cache.size).toBe(64);
    expect(retained).toBeLessThan(1 * MB);
  });

  it('SimulatedProvisioner: 5,000 sessions allocated and released keep the last 100', async () => {
    const clock = new ManualClock();
    const cloud = new SimulatedProvisioner(clock, { maxReleasedKept: 100 });
    const live = await cloud.allocate(spec('live-session'));
    const retained = await retainedBy(async () => {
      for (let i = 0; i < PROBES; i++) {
        const allocated = await cloud.allocate(spec(longKey('session-', i, 500)));
        await cloud.release(allocated._unsafeUnwrap().instanceId);
      }
    });
    expect(cloud.size).toBe(101);
    expect(retained).toBeLessThan(1 * MB);
    // The live instance is never forgotten, whatever was released around it.
    expect(cloud.isRunning(live._unsafeUnwrap().instanceId)).toBe(true);
    expect(cloud.allocations.get('live-session')).toBe(1);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createAndWait,
  stopStartDelete,
  handleErrors,
  loadSeed,
  ownContainer,
  provisioningFailure,
  sharedStorage,
  durableStorage,
  admin,
  artist,
} from '../../docs/examples/embedding.js';

const read = (path: string) => readFile(new URL(path, import.meta.url), 'utf8');

/** The `// #region name` … `// #endregion name` parts of the example file. */
function regionsOf(source: string): Map<string, string> {
  return new Map(
    [...source.matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\n\/\/ #endregion \1/g)].map((m) => [m[1]!, m[2]!]),
  );
}

/** The ```ts blocks that follow `<!-- example: name -->` markers in the document. */
function blocksOf(markdown: string): Map<string, string> {
  return new Map(
    [...markdown.matchAll(/<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)\n```/g)].map((m) => [m[1]!, m[2]!]),
  );
}

describe('docs/embedding.md', () => {
  it('shows every region of docs/examples/embedding.ts verbatim, and nothing else', async () => {
    const regions = regionsOf(await read('../../docs/examples/embedding.ts'));
    const blocks = blocksOf(await read('../../docs/embedding.md'));
    expect([...regions.keys()]).toEqual([
      'setup',
      'create',
      'lifecycle',
      'errors',
      'failures',
      'storage',
      'durable',
      'container',
      'main',
    ]);
    expect(blocks).toEqual(regions);
  });

  describe('its example, run', () => {
    const logged: string[] = [];
    beforeEach(() => {
      logged.length = 0;
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
    });
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('creates, replays and waits until READY, as its comments say', async () => {
      const ready = await createAndWait(await loadSeed());
      expect(ready).toMatchObject({ state: 'READY', ownedBy: artist.principalId });
      expect(logged).toEqual([
        `${ready.sessionId} CREATE_IN_PROGRESS`,
        'true',
        'READY STREAMING_SESSION_READY',
        JSON.stringify(['SessionRequested', 'InstanceAllocated', 'SessionReady']),
      ]);
    });

    it('stops, starts and deletes through the jobs, as its comments say', async () => {
      const deleted = await stopStartDelete(await loadSeed());
      expect(deleted.state).toBe('DELETED');
      expect(logged).toEqual([
        'STOP_IN_PROGRESS',
        'START_IN_PROGRESS',
        'DELETE_IN_PROGRESS',
        'DELETED STREAMING_SESSION_DELETED',
      ]);
    });

    it('explains each error from its type, code and context', async () => {
      expect(await handleErrors(await loadSeed())).toEqual([
        'Quota "G5 streaming sessions per studio" is full (0/0)',
        'Not allowed: NOT_LAUNCH_PROFILE_MEMBER',
        'Fix the request (INSTANCE_TYPE_NOT_ALLOWED in ec2InstanceType)',
      ]);
    });

    it('ends in CREATE_FAILED with the injected status code', async () => {
      const failed = await provisioningFailure(await loadSeed());
      expect([failed.state, failed.statusCode]).toEqual(['CREATE_FAILED', 'INSUFFICIENT_CAPACITY']);
      expect(logged).toEqual(['CREATE_FAILED INSUFFICIENT_CAPACITY']);
    });

    it('reads through one instance what another created over the same storage', async () => {
      expect(await sharedStorage(await loadSeed())).toMatchObject({
        ownedBy: artist.principalId,
        createdBy: admin.principalId,
      });
    });

    it('keeps a session in a data directory across a close and an open, as its comments say', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'nss-embedding-doc-'));
      try {
        const seed = await loadSeed();
        const kept = await durableStorage(seed, dataDir);
        // The default provisioner's instances run at once, so the reopened worker may have finished it.
        expect(kept.ownedBy).toBe(artist.principalId);
        expect(['CREATE_IN_PROGRESS', 'READY']).toContain(kept.state);
        expect(logged).toEqual(['true']);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it('runs with a container composed by hand', async () => {
      expect((await ownContainer(await loadSeed())).state).toBe('READY');
    });
  });
});

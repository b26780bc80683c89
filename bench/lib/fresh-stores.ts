/**
 * Stores opened fresh for the in-memory create comparison, each filled to a known number of sessions
 * before it is measured: Emmett's in-memory store gets slower per append the more streams it holds, so
 * the two sides are compared on stores of the same size, and the cost of size is measured on its own.
 */
import type { Catalog } from '../../src/index.js';
import { emmettCreate } from './emmett.js';
import { emmettInMemory } from './emmett-stores.js';
import { ARTIST, createInput } from './fixtures.js';
import { runCount } from './measure.js';
import type { OpenOptions, OpenStorage, StorageFactory } from './storages.js';

/** One create through the full handler, failing on any error. */
export function handlerOp(open: OpenStorage, run: string): (n: number) => Promise<void> {
  return async (n) => {
    const result = await open.sessions.createStreamingSession(createInput(n, run), ARTIST);
    if (result.isErr()) throw new Error(`create failed: ${result.error.type}: ${result.error.message}`);
  };
}

/** One store of one side, open. */
export interface FreshStore {
  /** One create, with a client token unique in the process. */
  readonly op: (n: number) => Promise<void>;
  /** Runs `count` creates at concurrency 8; answers how long that took, in ms. */
  fill(count: number): Promise<number>;
  /** Checks that exactly `sessions` creates landed once each (fills included); says what it checked. */
  verify(sessions: number): Promise<string[]>;
  close(): Promise<void>;
}

/** A side of the comparison: opens stores of its own, empty. */
export interface Side {
  /** The case name. */
  readonly name: string;
  open(): Promise<FreshStore>;
}

async function fill(op: (n: number) => Promise<void>, count: number): Promise<number> {
  if (count <= 0) return 0;
  const began = performance.now();
  await runCount(8, count, op);
  return performance.now() - began;
}

/** The full handler on a storage that is not SQL (a new service, and so a new store, per open). */
export function handlerSide(name: string, factory: StorageFactory, options: OpenOptions, run: string): Side {
  return {
    name,
    open: async () => {
      const open = await factory.open(options);
      const op = handlerOp(open, run);
      return {
        op,
        fill: (count) => fill(op, count),
        verify: (sessions) => open.verify(sessions),
        close: () => open.close(),
      };
    },
  };
}

/** Emmett's `CommandHandler` on a new `getInMemoryEventStore()` per open, with `catalog`. */
export function emmettSide(name: string, catalog: Catalog, run: string): Side {
  return {
    name,
    open: () => {
      const store = emmettInMemory();
      const { create } = emmettCreate({ catalog, caller: ARTIST, ...store });
      const sessionIds: string[] = [];
      const op = async (n: number) => {
        sessionIds.push(await create(createInput(n, run)));
      };
      return Promise.resolve({
        op,
        fill: (count: number) => fill(op, count),
        verify: (sessions: number) => store.verify(sessions, sessionIds),
        close: () => store.close(),
      });
    },
  };
}

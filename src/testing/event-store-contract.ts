/**
 * The storage adapter contract: one suite of vitest blocks that every adapter set (event store, sessions
 * view, provisioning queue) must pass. It imports `vitest`, so it can be used only inside vitest test files,
 * where vitest (4.x) is installed.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { UnitOfWork } from '../application/ports/event-store.js';
import { testAtomicCommitContract, testStreamContract } from './contract/streams.js';
import {
  testClientTokenContract,
  testClientTokenExpiryContract,
  testSnapshotContract,
} from './contract/tokens-and-snapshots.js';
import { testViewsContract } from './contract/views.js';
import { testQueueContract } from './contract/queue.js';
import { testLogContract } from './contract/log.js';
import { T0, type ContractContext, type EventStoreContractSubject } from './contract/fixtures.js';

export type { EventStoreContractSubject } from './contract/fixtures.js';

/**
 * Builds a fresh adapter set over **empty** storage. It is called before every test and the subject is
 * closed after it, so a PostgreSQL factory can create a schema per call, or truncate its tables.
 */
export type EventStoreContractFactory = () => Promise<EventStoreContractSubject>;

/**
 * Registers the storage contract as `describe('EventStore contract: <name>')`: expected-version modes and
 * their conflicts, atomic multi-stream commits, client-token uniqueness, expiry and its sweep, snapshots,
 * view rows written by the commit, scheduled jobs (schedule, complete, claim, lease, renew, standing jobs,
 * wake-ups), the
 * global log, read-your-writes, and races between concurrent commits. Call it at the top level of a vitest
 * test file.
 *
 * @example
 * import { Container } from 'inversify';
 * import { inMemoryStorage, TOKENS } from 'nimble-streaming-sessions';
 * import { testEventStoreContract } from 'nimble-streaming-sessions/testing';
 *
 * testEventStoreContract('in-memory', async () => {
 *   const storage = inMemoryStorage(); // any StorageAdapter: the same three bindings
 *   await storage.open?.();
 *   const container = new Container();
 *   container.load(storage.module);
 *   return {
 *     store: container.get(TOKENS.EventStore),
 *     views: container.get(TOKENS.SessionViews),
 *     queue: container.get(TOKENS.JobQueue),
 *     close: () => storage.close(),
 *   };
 * });
 */
export function testEventStoreContract(name: string, factory: EventStoreContractFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let current: EventStoreContractSubject | undefined;
    const subject = (): EventStoreContractSubject => {
      if (current === undefined) throw new Error('The contract subject was not created.');
      return current;
    };
    const context: ContractContext = {
      subject,
      commitOk: async (unit: UnitOfWork, now = T0) => {
        const result = await subject().store.commit(unit, now);
        if (result.isErr())
          throw new Error(`Expected the commit to succeed: ${JSON.stringify(result.error)}`);
        return result.value;
      },
    };

    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      const closing = current;
      current = undefined;
      await closing?.close();
    });

    testStreamContract(context);
    testAtomicCommitContract(context);
    testClientTokenContract(context);
    testClientTokenExpiryContract(context);
    testSnapshotContract(context);
    testViewsContract(context);
    testQueueContract(context);
    testLogContract(context);
  });
}

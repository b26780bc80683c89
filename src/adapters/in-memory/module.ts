import { ContainerModule } from 'inversify';
import { TOKENS } from '../../application/tokens.js';
import type { StorageAdapter } from '../../application/ports/storage.js';
import { InMemoryDatabase } from './database.js';
import { InMemoryEventStore } from './event-store.js';
import { InMemoryJobQueue } from './job-queue.js';
import { InMemorySessionViews } from './session-views.js';

/**
 * The in-memory storage adapter set: event store, sessions view and job queue over one
 * `InMemoryDatabase`. The reference behaviour, and the embedded default.
 */
export function inMemoryStorage(db: InMemoryDatabase = new InMemoryDatabase()): StorageAdapter {
  return {
    name: 'in-memory',
    module: new ContainerModule(({ bind }) => {
      bind(TOKENS.EventStore).toConstantValue(new InMemoryEventStore(db));
      bind(TOKENS.SessionViews).toConstantValue(new InMemorySessionViews(db));
      bind(TOKENS.JobQueue).toConstantValue(new InMemoryJobQueue(db));
    }),
    close: () => Promise.resolve(),
  };
}

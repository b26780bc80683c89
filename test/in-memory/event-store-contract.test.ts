import 'reflect-metadata';
import { Container } from 'inversify';
import { inMemoryStorage, TOKENS } from 'nimble-streaming-sessions';
import { testEventStoreContract } from 'nimble-streaming-sessions/testing';

// The adapter set is resolved through its ContainerModule, as the service resolves it, so the contract
// covers exactly the bindings an embedder gets.
testEventStoreContract('in-memory', async () => {
  const storage = inMemoryStorage();
  await storage.open?.();
  const container = new Container();
  container.load(storage.module);
  return {
    store: container.get(TOKENS.EventStore),
    views: container.get(TOKENS.SessionViews),
    queue: container.get(TOKENS.JobQueue),
    close: () => storage.close(),
  };
});

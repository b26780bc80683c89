/** Seeing a session become READY: the commit that records SessionReady, as it lands. */
import { Container, ContainerModule } from 'inversify';
import { TOKENS, type StorageAdapter } from '../../src/index.js';
import type { EventStore } from '../../src/application/ports/event-store.js';

/** The storage with its event store wrapped so that each commit recording SessionReady is seen. */
export function watchingReady(inner: StorageAdapter, onReady: (sessionId: string) => void): StorageAdapter {
  const parts = new Container();
  parts.load(inner.module);
  const store = parts.get(TOKENS.EventStore);
  const watched: EventStore = {
    read: (id) => store.read(id),
    readSnapshot: (id) => store.readSnapshot(id),
    readAll: (after, limit) => store.readAll(after, limit),
    findClientToken: (key, now) => store.findClientToken(key, now),
    expireClientTokens: (now, limit) => store.expireClientTokens(now, limit),
    commit: async (unit, now) => {
      const result = await store.commit(unit, now);
      if (result.isOk()) {
        for (const append of unit.appends) {
          if (append.events.some((e) => e.type === 'SessionReady'))
            onReady(append.streamId.split('/').at(-1)!);
        }
      }
      return result;
    },
  };
  return {
    name: `${inner.name} (watched)`,
    module: new ContainerModule(({ bind }) => {
      bind(TOKENS.EventStore).toConstantValue(watched);
      bind(TOKENS.SessionViews).toConstantValue(parts.get(TOKENS.SessionViews));
      bind(TOKENS.JobQueue).toConstantValue(parts.get(TOKENS.JobQueue));
    }),
    ...(inner.open === undefined ? {} : { open: () => inner.open!() }),
    close: () => inner.close(),
  };
}

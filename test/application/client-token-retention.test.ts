/** The client-token retention suite on the in-memory adapters, counting records in the database object. */
import { InMemoryDatabase, inMemoryStorage } from 'nimble-streaming-sessions';
import { clientTokenRetentionSuite } from './client-token-retention-suite.js';
import { testService } from './fixtures.js';

clientTokenRetentionSuite('in memory', async ({ config, spy }) => {
  const db = new InMemoryDatabase();
  const service = await testService({ storage: spy(inMemoryStorage(db)), config });
  return { service, countTokens: () => Promise.resolve(db.tokens.size) };
});

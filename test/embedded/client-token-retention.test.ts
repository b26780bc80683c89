/** The client-token retention suite on embedded PostgreSQL, rows counted in its client_tokens table. */
import { afterAll, afterEach } from 'vitest';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { clientTokenRetentionSuite } from '../application/client-token-retention-suite.js';
import { testSeed, testService, type TestService } from '../application/fixtures.js';
import { count } from '../postgres/support.js';
import { serviceStorage, sharedEmbeddedDatabase } from './support.js';

const database = sharedEmbeddedDatabase();
const open: TestService[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
});
afterAll(() => database.close());

clientTokenRetentionSuite('embedded PostgreSQL', async ({ config, spy }) => {
  const embedded = await database.storage();
  const { pool, schema } = embedded.database;
  await loadSeed(pool, testSeed(), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: spy(serviceStorage(embedded)),
    config,
  });
  open.push(service);
  return {
    service,
    countTokens: () => count(pool, `select count(*) as n from "${schema}".client_tokens`),
  };
});

/**
 * The application suites (lifecycle, list) on embedded PostgreSQL, with the catalog in its tables too:
 * the same specification the in-memory and PostgreSQL-server runs check.
 */
import { afterAll, afterEach } from 'vitest';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { testSeed, testService, type TestService } from '../application/fixtures.js';
import { lifecycleSuite } from '../application/lifecycle-suite.js';
import { describeListStreamingSessions } from '../application/list-suite.js';
import { pipelineSuite } from '../application/pipeline-suite.js';
import { standingSuite } from '../application/standing-suite.js';
import { storedRowsSuite } from '../postgres/stored-rows-suite.js';
import { serviceStorage, sharedEmbeddedDatabase } from './support.js';

const database = sharedEmbeddedDatabase();
const open: TestService[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
});
afterAll(() => database.close());

lifecycleSuite('embedded PostgreSQL', async (options = {}) => {
  const embedded = await database.storage();
  const { pool, schema } = embedded.database;
  await loadSeed(pool, testSeed(options.quotas), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: serviceStorage(embedded),
    ...(options.wrapProvisioner === undefined ? {} : { wrapProvisioner: options.wrapProvisioner }),
  });
  open.push(service);
  return service;
});

describeListStreamingSessions('embedded PostgreSQL', async ({ listPageSize }) => {
  const embedded = await database.storage();
  const { pool, schema } = embedded.database;
  await loadSeed(pool, testSeed(), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: serviceStorage(embedded),
    provisioner: { failInstanceTypes: { 'g4dn.2xlarge': 'INSUFFICIENT_CAPACITY' } },
    ...(listPageSize === undefined ? {} : { config: { listPageSize } }),
  });
  open.push(service);
  return service;
});

standingSuite('embedded PostgreSQL', async (seed) => {
  const embedded = await database.storage();
  const { pool, schema } = embedded.database;
  await loadSeed(pool, seed, { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: serviceStorage(embedded),
  });
  open.push(service);
  return service;
});

pipelineSuite('embedded PostgreSQL', async () => {
  const embedded = await database.storage();
  const service = await testService({ storage: serviceStorage(embedded), config: { maxCommitAttempts: 5 } });
  open.push(service);
  return service;
});

storedRowsSuite('embedded PostgreSQL', async () => {
  const embedded = await database.storage();
  const service = await testService({ storage: serviceStorage(embedded) });
  open.push(service);
  return { service, pool: embedded.database.pool, schema: embedded.database.schema };
});

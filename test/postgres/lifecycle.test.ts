/** The lifecycle suite on PostgreSQL storage and catalog, with the application tests' seed. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { testSeed, testService, type TestService } from '../application/fixtures.js';
import { lifecycleSuite } from '../application/lifecycle-suite.js';
import { clearSchema, dropSchema, freshSchema, newPool } from './support.js';

const pool = newPool(8);
let schema: string;
const open: TestService[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_lifecycle');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
  await clearSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

lifecycleSuite('PostgreSQL', async (options = {}) => {
  await loadSeed(pool, testSeed(options.quotas), { schema });
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: postgresStorage({ pool, schema }),
    ...(options.wrapProvisioner === undefined ? {} : { wrapProvisioner: options.wrapProvisioner }),
  });
  open.push(service);
  return service;
});

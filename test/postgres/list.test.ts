/** ListStreamingSessions on PostgreSQL storage and catalog: the same specification as in memory. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { loadSeed, PostgresCatalog } from '../../src/adapters/postgres/catalog.js';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { testSeed, testService, type TestService } from '../application/fixtures.js';
import { describeListStreamingSessions } from '../application/list-suite.js';
import { clearSchema, dropSchema, freshSchema, newPool } from './support.js';

const pool = newPool(8);
let schema: string;
const open: TestService[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_list');
  await loadSeed(pool, testSeed(), { schema });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
  await clearSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

describeListStreamingSessions('PostgreSQL', async ({ listPageSize }) => {
  const service = await testService({
    catalog: new PostgresCatalog({ pool, schema }),
    storage: postgresStorage({ pool, schema }),
    provisioner: { failInstanceTypes: { 'g4dn.2xlarge': 'INSUFFICIENT_CAPACITY' } },
    ...(listPageSize === undefined ? {} : { config: { listPageSize } }),
  });
  open.push(service);
  return service;
});

/** Rows planted by hand on the PostgreSQL server: read, never cast. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { postgresStorage } from '../../src/adapters/postgres/module.js';
import { testService, type TestService } from '../application/fixtures.js';
import { storedRowsSuite } from './stored-rows-suite.js';
import { clearSchema, dropSchema, freshSchema, newPool } from './support.js';

const pool = newPool(4);
let schema: string;
const open: TestService[] = [];

beforeAll(async () => {
  schema = await freshSchema(pool, 'nss_stored_rows');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((service) => service.sessions.close()));
  await clearSchema(pool, schema);
});
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

storedRowsSuite('PostgreSQL', async () => {
  const service = await testService({ storage: postgresStorage({ pool, schema }) });
  open.push(service);
  return { service, pool, schema };
});

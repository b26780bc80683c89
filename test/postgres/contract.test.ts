import { afterAll } from 'vitest';
import { testEventStoreContract } from 'nimble-streaming-sessions/testing';
import { clearSchema, dropSchema, freshSchema, newPool, openSubject } from './support.js';

// The same contract as the in-memory adapter, against the real server: one schema for this file,
// emptied before each test.
const pool = newPool();
let schema: string | undefined;

testEventStoreContract('postgres', async () => {
  if (schema === undefined) schema = await freshSchema(pool, 'nss_contract');
  else await clearSchema(pool, schema);
  return openSubject(pool, schema);
});

afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

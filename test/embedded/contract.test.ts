import { afterAll } from 'vitest';
import { testEventStoreContract } from 'nimble-streaming-sessions/testing';
import { sharedEmbeddedDatabase, subjectOf } from './support.js';

// The storage contract that the in-memory and PostgreSQL-server adapters pass, on embedded PostgreSQL.
const database = sharedEmbeddedDatabase();

testEventStoreContract('embedded postgres', async () => subjectOf(await database.storage()));

afterAll(() => database.close());

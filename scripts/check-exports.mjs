// Imports the built package through its exports map, as a consumer would, and checks that the entry
// points resolve and expose what the docs promise.
import assert from 'node:assert/strict';

const main = await import('nimble-streaming-sessions');
const domain = await import('nimble-streaming-sessions/domain');
const testing = await import('nimble-streaming-sessions/testing');
const http = await import('nimble-streaming-sessions/http');
const postgres = await import('nimble-streaming-sessions/postgres');

for (const name of [
  'createStreamingSessions',
  'StreamingSessions',
  'parseSeed',
  'TOKENS',
  'inMemoryStorage',
]) {
  assert.ok(name in main, `the main entry exports ${name}`);
}
for (const name of ['StreamingSession', 'QuotaLedger', 'decideCreateStreamingSession', 'replay']) {
  assert.ok(name in domain, `the domain entry exports ${name}`);
}
for (const name of ['DeciderSpecification']) {
  assert.ok(name in testing, `the testing entry exports ${name}`);
}
for (const name of ['createHttpServer', 'startServer', 'credentialStoreFromSeed']) {
  assert.ok(name in http, `the http entry exports ${name}`);
}
for (const name of ['postgresStorage', 'migrate', 'PostgresCatalog']) {
  assert.ok(name in postgres, `the postgres entry exports ${name}`);
}
assert.ok(
  !('createHttpServer' in main) && !('postgresStorage' in main),
  'the main entry loads no server or driver',
);
assert.ok(!('DeciderSpecification' in main), 'testing helpers stay out of the main entry');
assert.ok(!('createStreamingSessions' in domain), 'the domain entry is the pure core only');
for (const name of [
  'StreamingSession',
  'QuotaLedger',
  'LedgerCache',
  'ClientTokens',
  'jobsDue',
  'canonicalJson',
]) {
  assert.ok(!(name in main), `${name} is not in the main entry`);
}
console.log(
  `exports ok: ${Object.keys(main).length} from the main entry, ${Object.keys(domain).length} from ./domain, ${Object.keys(testing).length} from ./testing`,
);

// Writes docs/seed.schema.json from the schema the seed loader compiles, so the published file and the
// validator cannot drift apart (a test compares them).
import { writeFileSync } from 'node:fs';
import { seedSchema } from '../src/application/seed.js';

const target = new URL('../docs/seed.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(seedSchema, null, 2)}\n`);
console.log(`wrote ${target.pathname}`);

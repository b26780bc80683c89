// The embedded database's pre-initialised data directory, made by `npm run build` after the compiler:
// PGlite runs initdb here, once, and its dump of the fresh directory goes to dist/pgdata-template/ with the
// PGlite version that made it. A new embedded database then starts as a copy of it
// (src/adapters/postgres/embedded/template.ts) instead of running initdb in the user's process.
//
// Nothing to do when the template is already there for the installed PGlite; nothing either (with a note)
// when PGlite is not installed: it is an optional peer dependency, and without a template the adapter
// runs initdb as PGlite does by itself.
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const OUT = fileURLToPath(new URL('../dist/pgdata-template/', import.meta.url));
const MANIFEST = join(OUT, 'template.json');
const ARCHIVE = 'pgdata.tar.gz';

function installedVersion() {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    return JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const version = installedVersion();
if (version === undefined) {
  console.log('pgdata template: @electric-sql/pglite is not installed; embedded databases will run initdb.');
  process.exit(0);
}
try {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  if (manifest.pgliteVersion === version && existsSync(join(OUT, manifest.archive))) process.exit(0);
} catch {
  // No template yet, or a damaged one: make it.
}

const { PGlite } = await import('@electric-sql/pglite');
const began = Date.now();
const db = new PGlite();
await db.waitReady;
// Every page on disk and the control file at a checkpoint: a start from the copy has nothing to replay.
await db.exec('checkpoint');
const dump = await db.dumpDataDir('gzip');
await db.close();
mkdirSync(OUT, { recursive: true });
// Written under temporary names and renamed, the manifest last: a build killed halfway leaves no
// manifest naming a partial archive.
writeFileSync(join(OUT, `${ARCHIVE}.tmp`), Buffer.from(await dump.arrayBuffer()));
renameSync(join(OUT, `${ARCHIVE}.tmp`), join(OUT, ARCHIVE));
writeFileSync(
  `${MANIFEST}.tmp`,
  `${JSON.stringify({ format: 1, pgliteVersion: version, archive: ARCHIVE })}\n`,
);
renameSync(`${MANIFEST}.tmp`, MANIFEST);
console.log(
  `pgdata template: dist/pgdata-template/${ARCHIVE} (${(dump.size / 2 ** 20).toFixed(1)} MiB) from PGlite ${version} in ${String(Date.now() - began)} ms`,
);

import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

/**
 * A pre-initialised PostgreSQL data directory: what PGlite's initdb writes, made once by `npm run build`
 * (scripts/pgdata-template.mjs) and shipped in the package, so that a first start copies files instead of
 * running initdb. initdb in the process costs seconds and, because PGlite runs it in a second WebAssembly
 * instance of PostgreSQL beside the one that stays, leaves the process holding about 450 MiB more than a
 * restart does for as long as it runs.
 *
 * The template is PGlite's own dump of a fresh data directory (`dumpDataDir`, a gzipped tar), with the
 * PGlite version that made it. It is used only with that very version: another version may write another
 * on-disk format, and then the adapter lets PGlite run initdb as before.
 */
export interface PgdataTemplate {
  /** The gzipped tar of a fresh data directory, names relative to it. */
  readonly archive: string;
  /** The PGlite version that wrote it. */
  readonly pgliteVersion: string;
}

/** What the build writes beside the archive. */
interface TemplateManifest {
  readonly format: 1;
  readonly pgliteVersion: string;
  readonly archive: string;
}

/** Where `npm run build` puts the template: `dist/pgdata-template/`, from src/ and dist/ alike. */
export const DEFAULT_TEMPLATE_DIRECTORY = fileURLToPath(
  new URL('../../../../dist/pgdata-template/', import.meta.url),
);

export const TEMPLATE_MANIFEST = 'template.json';

/** The version of the installed PGlite package, or undefined when it cannot be read. */
export function installedPgliteVersion(): string | undefined {
  try {
    // The package exports no package.json; its entry point lies in dist/, one level below it.
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      readonly name?: unknown;
      readonly version?: unknown;
    };
    return manifest.name === '@electric-sql/pglite' && typeof manifest.version === 'string'
      ? manifest.version
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The template in `directory` if there is one and it was made by the installed PGlite version;
 * undefined otherwise (no build yet, another PGlite, a damaged manifest).
 */
export function findTemplate(directory: string = DEFAULT_TEMPLATE_DIRECTORY): PgdataTemplate | undefined {
  try {
    const manifest = JSON.parse(
      readFileSync(join(directory, TEMPLATE_MANIFEST), 'utf8'),
    ) as Partial<TemplateManifest>;
    if (
      manifest.format !== 1 ||
      typeof manifest.archive !== 'string' ||
      typeof manifest.pgliteVersion !== 'string'
    )
      return undefined;
    if (manifest.pgliteVersion !== installedPgliteVersion()) return undefined;
    const archive = join(directory, manifest.archive);
    return existsSync(archive) ? { archive, pgliteVersion: manifest.pgliteVersion } : undefined;
  } catch {
    return undefined;
  }
}

const BLOCK = 512;
/** Read and inflated a MiB at a time: in the default 16 KiB chunks, the round trips dominate. */
const CHUNK = 2 ** 20;

/** PostgreSQL's lock file, in the dump as the process that made the template left it: not copied. */
const LOCK_FILE_OF_THE_MAKER = 'postmaster.pid';

/** A NUL-terminated field of a tar header. */
function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

/** An octal number field of a tar header. */
function octal(header: Buffer, start: number, length: number): number {
  const text = field(header, start, length).trim();
  const value = text === '' ? 0 : Number.parseInt(text, 8);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Bad number in the template: ${text}`);
  return value;
}

/** An entry's path below `root`, refusing anything that would leave it. */
function below(root: string, name: string): string | undefined {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return undefined;
  if (parts.some((part) => part === '..' || part.includes('\\') || part.includes(sep)))
    throw new Error(`The template names a path outside the data directory: ${name}`);
  return join(root, ...parts);
}

/**
 * Writes the files of a gzipped tar (ustar, as PGlite's `dumpDataDir` writes it: directories and regular
 * files) below `target`, streaming: the archive is never held in memory whole. The writes are synchronous:
 * a thousand small files written one await at a time took seconds on a busy machine, and nothing else
 * waits on this process's loop while its database opens.
 */
async function extract(archive: string, target: string): Promise<void> {
  mkdirSync(target, { recursive: true, mode: 0o700 });
  let pending: Buffer = Buffer.alloc(0);
  /** The file being written and how many of its bytes are still to come, then its padding. */
  let file: { fd: number; left: number; padding: number } | undefined;
  let skip = 0;
  let ended = false;
  for await (const chunk of createReadStream(archive, { highWaterMark: CHUNK }).pipe(
    createGunzip({ chunkSize: CHUNK }),
  )) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    for (;;) {
      if (file !== undefined) {
        const take = Math.min(file.left, pending.length);
        let written = 0;
        while (written < take) written += writeSync(file.fd, pending, written, take - written);
        pending = pending.subarray(take);
        file.left -= take;
        if (file.left > 0) break;
        closeSync(file.fd);
        skip = file.padding;
        file = undefined;
      }
      if (skip > 0) {
        const take = Math.min(skip, pending.length);
        pending = pending.subarray(take);
        skip -= take;
        if (skip > 0) break;
      }
      if (ended || pending.length < BLOCK) break;
      const header = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (header.every((byte) => byte === 0)) {
        ended = true;
        break;
      }
      const prefix = field(header, 157, 6).startsWith('ustar') ? field(header, 345, 155) : '';
      const name = prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`;
      const size = octal(header, 124, 12);
      const type = String.fromCharCode(header[156] ?? 0);
      const path = below(target, name);
      if (type === '5') {
        if (path !== undefined) mkdirSync(path, { recursive: true, mode: 0o700 });
        skip = Math.ceil(size / BLOCK) * BLOCK;
      } else if ((type === '0' || type === '\0') && path === join(target, LOCK_FILE_OF_THE_MAKER)) {
        skip = Math.ceil(size / BLOCK) * BLOCK;
      } else if (type === '0' || type === '\0') {
        if (path === undefined) throw new Error('The template has a file without a name.');
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        file = {
          fd: openSync(path, 'wx', 0o600),
          left: size,
          padding: Math.ceil(size / BLOCK) * BLOCK - size,
        };
      } else {
        throw new Error(`The template holds an entry of a kind a data directory has none of: ${name}`);
      }
    }
  }
  if (file !== undefined) {
    closeSync(file.fd);
    throw new Error('The template ends in the middle of a file.');
  }
}

const PARTIAL = '.partial-';

/**
 * Creates the data directory `pgdata` from the template: written beside it under a temporary name, then
 * renamed into place, so that a process killed halfway leaves no directory that looks initialised (the
 * next start removes the leftovers and starts again). The caller holds the data directory's lock.
 */
export async function createFromTemplate(template: PgdataTemplate, pgdata: string): Promise<void> {
  const parent = dirname(pgdata);
  const base = pgdata.slice(parent.length + 1);
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(`${base}${PARTIAL}`))
      await rm(join(parent, entry), { recursive: true, force: true });
  }
  const partial = join(parent, `${base}${PARTIAL}${String(process.pid)}`);
  try {
    await extract(template.archive, partial);
    if (!existsSync(join(partial, 'PG_VERSION'))) throw new Error('The template holds no PG_VERSION.');
    await rename(partial, pgdata);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

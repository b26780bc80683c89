/**
 * The names every entry point of the package exports, types included, against a committed list
 * (`__snapshots__/public-surface.txt`): adding or removing a name is a visible diff, never an accident.
 * Accept a deliberate change with `npx vitest run test/public-surface.test.ts -u`.
 *
 * The entries are those of package.json's `exports`, each read from the source file its declarations are
 * built from (`dist/x.d.ts` ← `src/x.ts`), so the list needs no build and cannot be stale. Types vanish at
 * run time, so the names come from the TypeScript checker; the run-time names are checked against its
 * values, so a type-only name that is also a value (or the reverse) cannot slip through.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = 'nimble-streaming-sessions';

interface EntryNames {
  readonly values: readonly string[];
  readonly types: readonly string[];
}

/** The entry points of the exports map (package.json is not one), with the source of each one's types. */
async function entryPoints(): Promise<ReadonlyMap<string, string>> {
  const manifest = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as {
    exports: Record<string, string | { types: string }>;
  };
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    const source = /^\.\/dist\/(.+)\.d\.ts$/.exec(target.types)?.[1];
    if (source === undefined) throw new Error(`${subpath}: types outside dist/ (${target.types})`);
    entries.set(subpath, `${ROOT}src/${source}.ts`);
  }
  return entries;
}

/** Whether an entry's own export of `symbol` is `export type`, so that nothing is there at run time. */
function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (declaration) =>
      ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly),
  );
}

/** Every name each entry exports, split into values (present at run time) and types only. */
function exportedNames(files: readonly string[]): ReadonlyMap<string, EntryNames> {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const byFile = new Map<string, EntryNames>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${file} is not a module`);
    const values: string[] = [];
    const types: string[] = [];
    for (const symbol of checker.getExportsOfModule(module)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0 && !isTypeOnlyExport(symbol);
      (isValue ? values : types).push(symbol.name);
    }
    byFile.set(file, { values: values.sort(), types: types.sort() });
  }
  return byFile;
}

/** One block per entry, one name a line, types marked: the form the committed list is in. */
function describeSurface(surface: ReadonlyMap<string, EntryNames>): string {
  const blocks = [...surface].map(([subpath, { values, types }]) => {
    const lines = [...values.map((name) => name), ...types.map((name) => `${name} (type)`)].sort((a, b) =>
      a.localeCompare(b, 'en'),
    );
    const specifier = subpath === '.' ? PACKAGE : `${PACKAGE}${subpath.slice(1)}`;
    return [
      `${specifier}: ${String(values.length + types.length)} names (${String(values.length)} values)`,
      ...lines.map((line) => `  ${line}`),
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

describe('the public surface', async () => {
  const entries = await entryPoints();
  const names = exportedNames([...entries.values()]);
  const surface = new Map([...entries].map(([subpath, file]) => [subpath, names.get(file)!]));

  it('is, entry by entry, the committed list of names', async () => {
    await expect(describeSurface(surface)).toMatchFileSnapshot('./__snapshots__/public-surface.txt');
  });

  it.each([...entries.keys()])(
    'has at run time exactly the values its declarations export: %s',
    async (subpath) => {
      const specifier = subpath === '.' ? PACKAGE : `${PACKAGE}${subpath.slice(1)}`;
      const loaded = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
      expect(Object.keys(loaded).sort()).toEqual(surface.get(subpath)!.values);
    },
  );
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the `## <title>` section of docs/benchmarks.md (up to the next `## ` heading), or appends it;
 * other sections belong to other benchmarks and are left as they are.
 */
export function writeBenchmarkSection(title: string, body: string): void {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line === `## ${title}`);
  const section = `## ${title}\n\n${body}\n`;
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const before = lines.slice(0, start).join('\n');
  const after = next < 0 ? '' : `\n${lines.slice(next).join('\n')}`;
  writeFileSync(file, `${before}${before === '' ? '' : '\n'}${section}${after}`);
}

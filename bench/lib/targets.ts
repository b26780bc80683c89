/** The targets, as ratios of two cases of one table at one concurrency, from one run. */
import type { Table } from '../workloads/types.js';

export interface Target {
  readonly id: string;
  /** The target as the issue states it. */
  readonly text: string;
  /** The table it reads, by title prefix. */
  readonly table: string;
  readonly of: string;
  readonly to: string;
  readonly atLeast: number;
  readonly concurrency: readonly number[];
}

export interface TargetResult {
  readonly id: string;
  readonly text: string;
  readonly concurrency: number;
  readonly ratio: number;
  readonly atLeast: number;
  readonly met: boolean;
}

export function ratioOf(table: Table, of: string, to: string, concurrency: number): number | undefined {
  const a = table.results.find((r) => r.case === of && r.concurrency === concurrency);
  const b = table.results.find((r) => r.case === to && r.concurrency === concurrency);
  return a === undefined || b === undefined ? undefined : a.rate / b.rate;
}

/** Evaluates every target whose table is among `tables`. */
export function evaluate(targets: readonly Target[], tables: readonly Table[]): TargetResult[] {
  const results: TargetResult[] = [];
  for (const target of targets) {
    const table = tables.find((t) => t.title.startsWith(target.table));
    if (table === undefined) continue;
    for (const concurrency of target.concurrency) {
      const ratio = ratioOf(table, target.of, target.to, concurrency);
      if (ratio === undefined) continue;
      results.push({
        id: target.id,
        text: target.text,
        concurrency,
        ratio,
        atLeast: target.atLeast,
        met: ratio >= target.atLeast,
      });
    }
  }
  return results;
}

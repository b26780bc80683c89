/** What a workload hands to the report. */
import type { CaseResult } from '../lib/measure.js';
import type { CpuColumns } from '../lib/report.js';

export interface Table {
  /** Heading of the table in the report. */
  readonly title: string;
  /** What each case is, by case name. */
  readonly cases: Readonly<Record<string, string>>;
  readonly results: readonly CaseResult[];
  /** Ratio columns: `of` ÷ `to`, computed per concurrency. */
  readonly ratios: readonly { readonly of: string; readonly to: string }[];
  /** Unit of `rate`: operations per second by default. */
  readonly unit?: string;
  /**
   * CPU per operation under the rates: this process's and PostgreSQL's (`client-and-database`, the SQL
   * workloads), or the HTTP server process's (`server`).
   */
  readonly cpu?: CpuColumns;
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  /** Paragraphs of markdown describing what was measured. */
  readonly about: readonly string[];
  readonly tables: readonly Table[];
  /** The counts checked after the runs. */
  readonly verified: readonly string[];
  /** Extra figures (growth seeding time, say). */
  readonly notes?: readonly string[];
}

/**
 * Profiles `body` (one case under load) when a target read from `tables` is missed; does nothing when
 * every target is met.
 */
export type Profiler = (
  tables: readonly Table[],
  label: string,
  body: () => Promise<unknown>,
  /** inProcess false: `body` profiles another process itself and returns its ProfileSummary. */
  options?: { readonly inProcess?: boolean },
) => Promise<void>;

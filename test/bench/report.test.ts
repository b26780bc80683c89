import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderTable, type Report } from '../../bench/lib/report.js';

// The performance report is generated; these check that what it says comes from the figures it is given.
const report: Report = {
  date: '2026-01-02',
  command: 'npm run bench',
  quick: false,
  durationSeconds: 600,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryGiB: 24,
    loadAverageAtStart: [1, 0.5, 0.25],
    loadAverageAtEnd: [2, 1, 0.5],
    node: 'v20.0.0',
    platform: 'linux x64',
  },
  postgres: { version: '15.0', settings: { fsync: 'on', shared_buffers: '128MB', synchronous_commit: 'on' } },
  method: { runs: 3, secondsPerRun: 2, concurrency: [1, 8] },
  workloads: [
    {
      id: 'w',
      title: 'A workload',
      about: ['What it does.'],
      tables: [
        {
          title: 'Things per second',
          cases: { mine: 'the project', floor: 'the floor' },
          results: [
            { case: 'mine', concurrency: 1, rate: 500, p50Ms: 1.5, p99Ms: 4, runs: [490, 500, 510] },
            { case: 'floor', concurrency: 1, rate: 1000, p50Ms: 1, p99Ms: 2, runs: [1000, 1000, 1000] },
            { case: 'mine', concurrency: 8, rate: 1800, p50Ms: 4, p99Ms: 12, runs: [1800] },
            { case: 'floor', concurrency: 8, rate: 2000, p50Ms: 3, p99Ms: 9, runs: [2000] },
          ],
          ratios: [{ of: 'mine', to: 'floor' }],
        },
      ],
      verified: ['rows: 4 = 4'],
    },
  ],
  targets: [
    { id: 't', text: 'mine ≥ 0.65× the floor', concurrency: 1, ratio: 0.5, atLeast: 0.65, met: false },
    { id: 't', text: 'mine ≥ 0.65× the floor', concurrency: 8, ratio: 0.9, atLeast: 0.65, met: true },
  ],
  profiles: [
    {
      label: 'mine',
      file: 'bench/profiles/mine.cpuprofile',
      totalMs: 1000,
      groups: [{ group: 'pg driver', ms: 600, share: 0.6 }],
      top: [{ fn: 'writev', where: '', group: 'pg driver', share: 0.6 }],
    },
  ],
};

describe('performance report', () => {
  it('computes each ratio from the two rates of its row', () => {
    const lines = renderTable(report.workloads[0]!.tables[0]!);
    expect(lines.find((l) => l.startsWith('| 1 |'))).toContain('0.50×');
    expect(lines.find((l) => l.startsWith('| 8 |'))).toContain('0.90×');
  });

  it('marks each target met or missed, and shows the profile where one is missed', () => {
    const page = renderMarkdown(report);
    expect(page).toContain('| mine ≥ 0.65× the floor | 1 | 0.50× | ≥ 0.65× | **missed** |');
    expect(page).toContain('| mine ≥ 0.65× the floor | 8 | 0.90× | ≥ 0.65× | met |');
    expect(page).toContain('1 of 2 met.');
    expect(page).toContain('## Where the time goes');
    expect(page).toContain('| `writev` | – | pg driver | 60.0 % |');
    expect(page).toContain('Verified after the runs: rows: 4 = 4.');
  });

  it('shows CPU per operation on both sides only for tables that ask for it', () => {
    const table = report.workloads[0]!.tables[0]!;
    expect(renderTable(table).join('\n')).not.toContain('CPU per operation');
    const withCpu = {
      ...table,
      cpu: 'client-and-database' as const,
      results: table.results.map((r, i) => (i === 0 ? { ...r, cpuUs: 120.4, dbCpuUs: 1234.6 } : r)),
    };
    const lines = renderTable(withCpu);
    const at = lines.findIndex((l) => l.startsWith('CPU per operation'));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at).find((l) => l.startsWith('| 1 |'))).toBe('| 1 | 120 / 1,235 | – / – |');
    expect(lines.slice(at).find((l) => l.startsWith('| 8 |'))).toBe('| 8 | – / – | – / – |');
    const server = renderTable({ ...withCpu, cpu: 'server' });
    const from = server.findIndex((l) => l.startsWith('CPU per request of the server process'));
    expect(server.slice(from).find((l) => l.startsWith('| 1 |'))).toBe('| 1 | 120 | – |');
  });

  it('says when every target was met and no profile was taken', () => {
    const page = renderMarkdown({ ...report, targets: [report.targets[1]!], profiles: [] });
    expect(page).toContain('Every target was met in this run; no profile was taken.');
  });
});

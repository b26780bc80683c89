import { describe, expect, it } from 'vitest';
import { runCount, runLanes } from '../../bench/lib/measure.js';

// The closed-loop runner the benchmark's figures come from: what it counts must be what ran.
describe('benchmark runner', () => {
  it('runs exactly `count` operations, each with its own n, whatever the lanes', async () => {
    const seen: number[] = [];
    const run = await runCount(8, 50, async (n) => {
      seen.push(n);
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(run.ops).toBe(50);
    expect(new Set(seen).size).toBe(50);
    expect(run.rate).toBeGreaterThan(0);
    expect(run.p99Ms).toBeGreaterThanOrEqual(run.p50Ms);
    expect(run.cpuUs).toBeGreaterThan(0);
  });

  it('uses no more lanes than operations', async () => {
    let inFlight = 0;
    let most = 0;
    const run = await runCount(32, 3, async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    });
    expect(run.ops).toBe(3);
    expect(most).toBe(3);
  });

  it('runs lanes for the time given and counts every operation that finished', async () => {
    let finished = 0;
    const run = await runLanes(4, 0.2, async () => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      finished++;
    });
    expect(run.ops).toBe(finished);
    expect(run.ops).toBeGreaterThan(4);
    // The rate is over the whole run: the time given, and the operations still in flight at its end.
    expect(run.rate).toBeLessThanOrEqual(run.ops / 0.2);
    expect(run.rate).toBeGreaterThan(run.ops / 0.5);
  });
});

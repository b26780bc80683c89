/**
 * Workload 5: create → READY with a provisioner whose instances are up at once, on every storage of
 * STORAGES, the provisioning worker running. Each lane creates a session and waits for the commit that
 * records SessionReady, then creates the next; latency is from the create call to that commit.
 */
import { ARTIST, createInput } from '../lib/fixtures.js';
import type { Pool } from '../lib/library.js';
import { log, measureCases, type CaseResult } from '../lib/measure.js';
import { STORAGES } from '../lib/storages.js';
import { watchingReady } from '../lib/watch-ready.js';
import type { Profiler, WorkloadResult } from './types.js';

export const readyCase = (storage: string): string => `create → READY, ${storage}`;

export async function provisioningWorkload(pool: Pool, _profile: Profiler): Promise<WorkloadResult> {
  const results: CaseResult[] = [];
  const verified: string[] = [];
  for (const factory of STORAGES) {
    const ready = new Set<string>();
    const waiting = new Map<string, () => void>();
    const open = await factory.open({
      pool,
      workload: `ready_${factory.key}`,
      startProvisioning: true,
      wrap: (storage) =>
        watchingReady(storage, (id) => {
          const waiter = waiting.get(id);
          if (waiter === undefined) ready.add(id);
          else waiter();
        }),
    });
    let created = 0;
    try {
      const name = readyCase(factory.name);
      log(`workload 5: create → READY, ${factory.name}`);
      results.push(
        ...(await measureCases('create → READY', [
          {
            name,
            op: async (n) => {
              const result = await open.sessions.createStreamingSession(
                createInput(n, `ready-${factory.key}`),
                ARTIST,
              );
              if (result.isErr()) throw new Error(`create failed: ${result.error.message}`);
              created++;
              const { sessionId } = result.value;
              if (ready.delete(sessionId)) return;
              await new Promise<void>((resolve) => waiting.set(sessionId, resolve));
              waiting.delete(sessionId);
            },
          },
        ])),
      );
      const byState = await open.sessions.sessionCountsByState();
      const checks = await open.verify(created);
      verified.push(
        ...checks.map((c) => `${factory.name}: ${c}`),
        `${factory.name}: READY sessions: ${String(byState.READY ?? 0)} = ${String(created)}`,
      );
      if ((byState.READY ?? 0) !== created)
        throw new Error(`verification failed: ${factory.name}: not every session is READY`);
    } finally {
      await open.close();
    }
  }
  return {
    id: 'provisioning',
    title: '5. Create → READY with an instant provisioner',
    about: [
      "The provisioning worker runs (default window of 16 steps); the simulated provisioner's instances are",
      'running at once. Each lane creates a session, waits for the commit that records `SessionReady` (the',
      "worker is woken by the create's commit: allocate, find the instance running, commit READY), then",
      'creates the next. Rate is sessions READY per second; latency is from the create call to that commit.',
    ],
    tables: [
      {
        title: 'Sessions READY per second',
        cases: Object.fromEntries(STORAGES.map((s) => [readyCase(s.name), `${s.name} storage`])),
        results,
        ratios: [],
      },
    ],
    verified,
  };
}

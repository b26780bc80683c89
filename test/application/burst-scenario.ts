/**
 * The burst that used to kill the server: many sessions requested at once while instances take seconds
 * to boot, more than the worker's window holds. Measured while they boot: the event loop's delay, the
 * heap, and how long a Get takes; then how long until every session is READY.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Caller, StreamingSessions } from 'nimble-streaming-sessions';

export interface BurstFigures {
  readonly created: number;
  readonly ready: number;
  /** From the last create answered to the last session READY. */
  readonly readyAfterMs: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** The largest heap seen while the sessions booted, above the heap before the burst. */
  readonly heapGrowthMb: number;
  /** The slowest Get answered while the sessions booted. */
  readonly slowestGetMs: number;
  readonly getsWhileBooting: number;
}

export async function runBurst(
  sessions: StreamingSessions,
  burst: {
    readonly count: number;
    readonly studioId: string;
    readonly launchProfileId: string;
    readonly caller: Caller;
    /** Give up waiting for READY after this long. */
    readonly deadlineMs: number;
  },
): Promise<BurstFigures> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 20);
  delay.enable();
  try {
    const results = await Promise.all(
      Array.from({ length: burst.count }, (_, i) =>
        sessions.createStreamingSession(
          { studioId: burst.studioId, launchProfileId: burst.launchProfileId, clientToken: `burst-${i}` },
          burst.caller,
        ),
      ),
    );
    const ids = results.map((r) => r._unsafeUnwrap().sessionId);
    const createdAt = performance.now();
    let slowestGetMs = 0;
    let gets = 0;
    const pending = new Set(ids);
    while (pending.size > 0 && performance.now() - createdAt < burst.deadlineMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const sessionId of [...pending]) {
        const started = performance.now();
        const got = await sessions.getStreamingSession({ studioId: burst.studioId, sessionId }, burst.caller);
        slowestGetMs = Math.max(slowestGetMs, performance.now() - started);
        gets += 1;
        if (got._unsafeUnwrap().state === 'READY') pending.delete(sessionId);
        else break; // sessions become READY in about creation order: look again later
      }
    }
    return {
      created: ids.length,
      ready: ids.length - pending.size,
      readyAfterMs: performance.now() - createdAt,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMaxMs: delay.max / 1e6,
      heapGrowthMb: (heapPeak - heapBefore) / 2 ** 20,
      slowestGetMs,
      getsWhileBooting: gets,
    };
  } finally {
    clearInterval(sampler);
    delay.disable();
  }
}

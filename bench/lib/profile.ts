/**
 * CPU profiles for missed targets: V8's sampling profiler (the one `node --cpu-prof` starts), started
 * through node:inspector around the measured loop only, so set-up is not in it. The `.cpuprofile` is kept
 * under bench/profiles/ (open it in Chrome DevTools); the report gets its self time, top functions and
 * groups by where the code lives.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly label: string;
  /** Where the .cpuprofile was written, relative to the repository. */
  readonly file: string;
  readonly totalMs: number;
  readonly groups: readonly { readonly group: string; readonly ms: number; readonly share: number }[];
  readonly top: readonly {
    readonly fn: string;
    readonly where: string;
    readonly group: string;
    readonly share: number;
  }[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROFILES = new URL('../profiles/', import.meta.url);

/** Where a function's code lives, from its script URL. */
export function groupOf(fn: string, url: string): string {
  if (fn === '(idle)') return 'idle: waiting on PostgreSQL, the network or timers';
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 and native code outside JavaScript';
  const path = url.replace(/^file:\/\//, '');
  const inside = path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
  const rules: [RegExp, string][] = [
    [/^src\/domain\//, 'this project: domain (src/domain)'],
    [/^src\/application\/validation\//, 'this project: input validation (src/application/validation)'],
    [/^src\/application\//, 'this project: application (src/application)'],
    [/^src\/adapters\/postgres\//, 'this project: PostgreSQL adapter'],
    [/^src\/adapters\/http\//, 'this project: HTTP adapter'],
    [/^src\//, 'this project: other (src)'],
    [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-\w+)\//, 'pg driver'],
    [
      /node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|pino|fast-json-stringify|secure-json-parse|fast-querystring)/,
      'fastify and its parts',
    ],
    [/node_modules\/(ajv|ajv-formats)\//, 'ajv (schemas)'],
    [/node_modules\/(inversify|@inversifyjs)/, 'inversify'],
    [/node_modules\/neverthrow\//, 'neverthrow'],
    [/node_modules\/@event-driven-io\//, 'Emmett'],
    [/node_modules\/(autocannon|hdr-histogram)/, 'load generator'],
    [/node_modules\/(tsx|esbuild)\//, 'tsx loader'],
    [/^bench\//, 'benchmark harness'],
    [/^node:|^internal\//, 'Node.js internals (streams, sockets, crypto, timers)'],
    [/node_modules\//, 'other packages'],
  ];
  if (url === '') return 'Node.js internals and builtins (no script)';
  return rules.find(([re]) => re.test(inside))?.[1] ?? 'other';
}

/** The monotonic clock in µs, the profiler's time base. */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time by group and by function, of the samples taken within [fromUs, toUs] only: stopping the
 * profiler serializes the profile inside the inspector's `dispatch`, which must not count as the workload.
 */
export function summarize(
  label: string,
  file: string,
  profile: CpuProfile,
  fromUs = 0,
  toUs = Infinity,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= fromUs && at <= toUs) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const groups = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; group: string; us: number }>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const fn = functionName === '' ? '(anonymous)' : functionName;
    const group = groupOf(fn, url);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const path = url.replace(/^file:\/\//, '').replace(ROOT, '');
    const short = path.includes('node_modules/') ? path.slice(path.lastIndexOf('node_modules/') + 13) : path;
    // Line numbers of .ts files are those of tsx's output, not of the source: the file alone is shown.
    const where = url === '' ? '' : short.endsWith('.ts') ? short : `${short}:${String(lineNumber + 1)}`;
    const key = `${fn}@${where}`;
    const entry = fns.get(key) ?? { fn, where, group, us: 0 };
    entry.us += us;
    fns.set(key, entry);
  }
  return {
    label,
    file,
    totalMs: total / 1000,
    groups: [...groups]
      .map(([group, us]) => ({ group, ms: us / 1000, share: us / total }))
      .sort((a, b) => b.ms - a.ms),
    top: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 15)
      .map(({ fn, where, group, us }) => ({ fn, where, group, share: us / total })),
  };
}

/** Profiles `body` in this process. */
export async function profileHere(label: string, body: () => Promise<unknown>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const from = nowUs();
    await body();
    const to = nowUs();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return save(label, profile, from, to);
  } finally {
    session.disconnect();
  }
}

/** Writes the profile under bench/profiles/ and summarizes it. */
export function save(label: string, profile: CpuProfile, fromUs = 0, toUs = Infinity): ProfileSummary {
  mkdirSync(PROFILES, { recursive: true });
  const file = new URL(`${label}.cpuprofile`, PROFILES);
  writeFileSync(file, JSON.stringify(profile));
  return summarize(label, `bench/profiles/${label}.cpuprofile`, profile, fromUs, toUs);
}

/** For a child process: profile on request over IPC (the HTTP server runs in one). */
export function serveProfilesOverIpc(): void {
  let session: Session | undefined;
  let from = 0;
  process.on('message', (message: { profile?: 'start' | 'stop' }) => {
    void (async () => {
      if (message.profile === 'start') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
        from = nowUs();
        process.send?.({ profiling: true });
      } else if (message.profile === 'stop' && session !== undefined) {
        const to = nowUs();
        const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
        session.disconnect();
        session = undefined;
        process.send?.({ stopped: { profile, from, to } });
      }
    })();
  });
}

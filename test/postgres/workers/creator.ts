/**
 * A child process that creates sessions on request: `creates` runs a list at a given concurrency,
 * `close` shuts down. Every answer goes back as { ok: sessionId } or { err: error type }.
 *
 *   node --import tsx test/postgres/workers/creator.ts <schema>
 */
import { ARTIST, launchProfileOf } from '../race-seed.js';
import { openProcessService, send } from './service.js';

interface CreateItem {
  readonly studioId: string;
  readonly clientToken?: string;
}
type Request =
  | {
      readonly id: number;
      readonly type: 'creates';
      readonly items: readonly CreateItem[];
      readonly concurrency: number;
    }
  | { readonly id: number; readonly type: 'close' };
export type CreateAnswer = { readonly ok: string } | { readonly err: string; readonly code: string };

const schema = process.argv[2] ?? '';
const service = await openProcessService({ schema, poolSize: 8 });

async function create(item: CreateItem): Promise<CreateAnswer> {
  const result = await service.sessions.createStreamingSession(
    {
      studioId: item.studioId,
      launchProfileId: launchProfileOf(item.studioId),
      ...(item.clientToken === undefined ? {} : { clientToken: item.clientToken }),
    },
    ARTIST,
  );
  return result.isOk() ? { ok: result.value.sessionId } : { err: result.error.type, code: result.error.code };
}

async function runAll(items: readonly CreateItem[], concurrency: number): Promise<CreateAnswer[]> {
  const answers: CreateAnswer[] = new Array<CreateAnswer>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      answers[index] = await create(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return answers;
}

process.on('message', (message: Request) => {
  if (message.type === 'close') {
    void service.close().then(() => {
      send({ id: message.id, done: true });
      process.disconnect();
    });
    return;
  }
  void runAll(message.items, message.concurrency).then((answers) => {
    send({ id: message.id, answers });
  });
});
send({ ready: true });

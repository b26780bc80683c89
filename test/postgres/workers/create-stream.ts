/**
 * A child process that creates sessions without end (client tokens `<prefix>-0`, `<prefix>-1`, …, eight
 * at a time) and reports each acknowledged create to the parent, until it is killed.
 *
 *   node --import tsx test/postgres/workers/create-stream.ts <schema> <studioId> <prefix>
 */
import { ARTIST, launchProfileOf } from '../race-seed.js';
import { openProcessService, send } from './service.js';

const [schema = '', studioId = '', prefix = 'token'] = process.argv.slice(2);
const service = await openProcessService({ schema, poolSize: 8 });
let next = 0;

async function lane(): Promise<void> {
  for (;;) {
    const clientToken = `${prefix}-${next++}`;
    const result = await service.sessions.createStreamingSession(
      { studioId, launchProfileId: launchProfileOf(studioId), clientToken },
      ARTIST,
    );
    // Acknowledged only once the create has returned: the parent may rely on every one it hears of.
    if (result.isOk()) send({ clientToken, sessionId: result.value.sessionId });
    else send({ clientToken, error: result.error.type });
  }
}

send({ ready: true });
await Promise.all(Array.from({ length: 8 }, lane));

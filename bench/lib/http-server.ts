/**
 * A server for the HTTP workload, run in a child process so the load generator does not share its event
 * loop: `app` (the real HTTP adapter, in-memory storage, throttling and provisioning off) or `bare`
 * (fastify parsing the JSON body and answering 200). Prints its URL; answers `{count}`, `{cpu}` (its CPU
 * time so far, µs) and profiles over IPC.
 */
import 'reflect-metadata';
import { createHttpServer, credentialStoreFromSeed } from '../../src/http.js';
import { createStreamingSessions, type Seed } from '../../src/index.js';
import { httpSeed } from './fixtures.js';
import { fastify } from './library.js';
import { serveProfilesOverIpc } from './profile.js';

async function serve(kind: string): Promise<void> {
  serveProfilesOverIpc();
  process.on('message', (message: { cpu?: true }) => {
    if (message.cpu === true) {
      const used = process.cpuUsage();
      process.send?.({ cpuUs: used.user + used.system });
    }
  });
  if (kind === 'bare') {
    const app = fastify();
    app.post('/bare', (request, reply) => reply.code(200).send({ received: request.body !== undefined }));
    process.stdout.write(`URL ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
    return;
  }
  const { readFileSync } = await import('node:fs');
  const seed = httpSeed(
    JSON.parse(readFileSync(new URL('../../seeds/demo.json', import.meta.url), 'utf8')) as Seed,
  );
  const sessions = await createStreamingSessions({ catalog: seed, startProvisioning: false });
  const app = createHttpServer({
    sessions,
    credentials: credentialStoreFromSeed(seed.credentials),
    throttle: false,
  });
  // Creates the server answered with 2xx: the load generator stops counting at its deadline, the server
  // still answers what was in flight.
  let created = 0;
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method === 'POST' && reply.statusCode < 300) created++;
    done();
  });
  process.on('message', (message: { count?: true }) => {
    if (message.count === true)
      void sessions.sessionCountsByState().then((byState) =>
        process.send?.({
          count: { sessions: Object.values(byState).reduce((a, b) => a + (b ?? 0), 0), created },
        }),
      );
  });
  process.stdout.write(`URL ${await app.listen({ port: 0, host: '127.0.0.1' })}\n`);
}

await serve(process.argv[2] ?? 'app');

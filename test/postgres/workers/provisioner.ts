/**
 * A child process running the provisioning worker against the shared schema, with the instance registry
 * as its provisioner, until it is told to close (or killed).
 *
 *   node --import tsx test/postgres/workers/provisioner.ts <schema> <leaseMs> <bootTimeMs>
 */
import { openProcessService, send } from './service.js';

const [schema = '', leaseMs = '1500', bootTimeMs = '30'] = process.argv.slice(2);
const service = await openProcessService({
  schema,
  poolSize: 6,
  provisioning: { leaseMs: Number(leaseMs), bootTimeMs: Number(bootTimeMs) },
});

process.on('message', (message: { id: number; type: string }) => {
  if (message.type !== 'close') return;
  void service.close().then(() => {
    send({ id: message.id, done: true });
    process.disconnect();
  });
});
send({ ready: true });

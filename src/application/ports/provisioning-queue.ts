/**
 * The names this port had while it carried provisioning jobs only. Kept so that code written against
 * them compiles: the queue now carries every kind of job (see jobs.ts).
 */
export type { ClaimedJob, JobQueue as ProvisioningQueue } from './jobs.js';

/**
 * The name the job worker had while it ran provisioning only. Kept so that code written against it
 * (`container.get(ProvisioningWorker)`) resolves the same singleton.
 */
export { JobWorker as ProvisioningWorker } from './jobs/job-worker.js';
export type { JobWorkerStats } from './jobs/job-worker.js';

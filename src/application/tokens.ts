import type { ServiceIdentifier } from 'inversify';
import type { ServiceConfig } from './config.js';
import type { Catalog } from './ports/catalog.js';
import type { Clock, IdGenerator } from './ports/clock.js';
import type { EventStore } from './ports/event-store.js';
import type { JobQueue } from './ports/jobs.js';
import type { Logger } from './ports/logger.js';
import type { InstanceProvisioner } from './ports/provisioner.js';
import type { SessionViews } from './ports/session-views.js';

/**
 * The typed service identifiers every adapter set binds. One place, so a module that forgets one fails
 * to resolve at start-up rather than at the first request.
 */
export const TOKENS = {
  EventStore: Symbol.for('nimble.EventStore') as ServiceIdentifier<EventStore>,
  SessionViews: Symbol.for('nimble.SessionViews') as ServiceIdentifier<SessionViews>,
  JobQueue: Symbol.for('nimble.JobQueue') as ServiceIdentifier<JobQueue>,
  Catalog: Symbol.for('nimble.Catalog') as ServiceIdentifier<Catalog>,
  InstanceProvisioner: Symbol.for('nimble.InstanceProvisioner') as ServiceIdentifier<InstanceProvisioner>,
  Clock: Symbol.for('nimble.Clock') as ServiceIdentifier<Clock>,
  IdGenerator: Symbol.for('nimble.IdGenerator') as ServiceIdentifier<IdGenerator>,
  ServiceConfig: Symbol.for('nimble.ServiceConfig') as ServiceIdentifier<ServiceConfig>,
  Logger: Symbol.for('nimble.Logger') as ServiceIdentifier<Logger>,
} as const;

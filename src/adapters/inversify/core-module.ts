import { ContainerModule } from 'inversify';
import type { ServiceConfig } from '../../application/config.js';
import { CreateStreamingSessionHandler } from '../../application/create-streaming-session.js';
import { GetStreamingSessionHandler } from '../../application/get-streaming-session.js';
import type { Catalog } from '../../application/ports/catalog.js';
import type { Clock, IdGenerator } from '../../application/ports/clock.js';
import type { InstanceProvisioner } from '../../application/ports/provisioner.js';
import { ProvisioningWorker } from '../../application/provisioning-worker.js';
import { TOKENS } from '../../application/tokens.js';

/** The application's handlers and process manager, as singletons, with the service settings. */
export function coreModule(config: ServiceConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.ServiceConfig).toConstantValue(config);
    bind(CreateStreamingSessionHandler).toSelf().inSingletonScope();
    bind(GetStreamingSessionHandler).toSelf().inSingletonScope();
    bind(ProvisioningWorker).toSelf().inSingletonScope();
  });
}

/** The driven adapters that are not storage: catalog, provisioner, clock and ids. */
export function environmentModule(parts: {
  readonly catalog: Catalog;
  readonly provisioner: InstanceProvisioner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Catalog).toConstantValue(parts.catalog);
    bind(TOKENS.InstanceProvisioner).toConstantValue(parts.provisioner);
    bind(TOKENS.Clock).toConstantValue(parts.clock);
    bind(TOKENS.IdGenerator).toConstantValue(parts.ids);
  });
}

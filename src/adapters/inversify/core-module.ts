import { ContainerModule } from 'inversify';
import type { ServiceConfig } from '../../application/config.js';
import { CreateStreamingSessionHandler } from '../../application/create-streaming-session.js';
import { GetStreamingSessionHandler } from '../../application/get-streaming-session.js';
import { ListStreamingSessionsHandler } from '../../application/list-streaming-sessions.js';
import type { Catalog } from '../../application/ports/catalog.js';
import type { Clock, IdGenerator } from '../../application/ports/clock.js';
import type { InstanceProvisioner } from '../../application/ports/provisioner.js';
import { ClientTokenSweepStep } from '../../application/jobs/client-token-sweep.js';
import { JOB_STEPS } from '../../application/jobs/job-step.js';
import { JobWorker } from '../../application/jobs/job-worker.js';
import { ProvisionStep } from '../../application/jobs/provision-step.js';
import type { Logger } from '../../application/ports/logger.js';
import {
  AutoStopStep,
  AutoTerminateStep,
  DeleteStep,
  PurgeStep,
  StartStep,
  StopStep,
} from '../../application/jobs/lifecycle-steps.js';
import { ClientTokens } from '../../application/client-tokens.js';
import { LedgerCache } from '../../application/ledger-cache.js';
import {
  DeleteStreamingSessionHandler,
  StartStreamingSessionHandler,
  StopStreamingSessionHandler,
} from '../../application/lifecycle-handlers.js';
import { CommandPipeline } from '../../application/pipeline/command-pipeline.js';
import { SessionCommands } from '../../application/session-commands.js';
import { TOKENS } from '../../application/tokens.js';

/** The application's handlers, command pipeline, job steps and worker, as singletons, with the settings. */
export function coreModule(config: ServiceConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.ServiceConfig).toConstantValue(config);
    bind(CreateStreamingSessionHandler).toSelf().inSingletonScope();
    bind(GetStreamingSessionHandler).toSelf().inSingletonScope();
    bind(ListStreamingSessionsHandler).toSelf().inSingletonScope();
    bind(StopStreamingSessionHandler).toSelf().inSingletonScope();
    bind(StartStreamingSessionHandler).toSelf().inSingletonScope();
    bind(DeleteStreamingSessionHandler).toSelf().inSingletonScope();
    bind(LedgerCache).toSelf().inSingletonScope();
    bind(ClientTokens).toSelf().inSingletonScope();
    bind(CommandPipeline).toSelf().inSingletonScope();
    bind(SessionCommands).toSelf().inSingletonScope();
    for (const step of [
      ProvisionStep,
      StopStep,
      StartStep,
      DeleteStep,
      AutoStopStep,
      AutoTerminateStep,
      PurgeStep,
      ClientTokenSweepStep,
    ]) {
      bind(JOB_STEPS).to(step).inSingletonScope();
    }
    bind(JobWorker).toSelf().inSingletonScope();
  });
}

/** The driven adapters that are not storage: catalog, provisioner, clock, ids and the logger. */
export function environmentModule(parts: {
  readonly catalog: Catalog;
  readonly provisioner: InstanceProvisioner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Catalog).toConstantValue(parts.catalog);
    bind(TOKENS.InstanceProvisioner).toConstantValue(parts.provisioner);
    bind(TOKENS.Clock).toConstantValue(parts.clock);
    bind(TOKENS.IdGenerator).toConstantValue(parts.ids);
    bind(TOKENS.Logger).toConstantValue(parts.logger);
  });
}

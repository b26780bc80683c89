import type { Result } from 'neverthrow';
import type { CreateFailureStatusCode, VolumeConfiguration } from '../../domain/index.js';

/** What a session's instance must be. */
export interface InstanceSpec {
  readonly studioId: string;
  readonly sessionId: string;
  readonly launchProfileId: string;
  readonly ec2InstanceType: string;
  readonly streamingImageId: string;
  readonly ownedBy: string;
  readonly volumeConfiguration?: VolumeConfiguration;
}

/** Why provisioning failed, as the session's status code and message will show it. */
export interface ProvisioningFailure {
  readonly statusCode: CreateFailureStatusCode;
  readonly message: string;
}

export type InstanceStatus =
  | {
      readonly status: 'pending';
      /** When to ask again, if the provisioner can tell (a boot's expected remaining time, say). */
      readonly retryAfterMs?: number;
    }
  | { readonly status: 'running' }
  | { readonly status: 'failed'; readonly failure: ProvisioningFailure };

/**
 * Allocates workstation instances. Idempotent by session id, as EC2's RunInstances is by client token:
 * asking again for the same session (after a crash, say) returns the same instance, never a second one.
 */
export interface InstanceProvisioner {
  /** Allocates the session's instance, or returns the one already allocated for this session id. */
  allocate(spec: InstanceSpec): Promise<Result<{ readonly instanceId: string }, ProvisioningFailure>>;

  /** Whether the instance is still booting, running, or failed to boot. */
  status(instanceId: string): Promise<InstanceStatus>;

  /**
   * Stops the instance (idempotent). With `retainVolume` false its volume is discarded; with `backup` a
   * backup is taken first and its id returned.
   */
  stop(
    instanceId: string,
    options: { readonly retainVolume: boolean; readonly backup: boolean },
  ): Promise<Result<{ readonly backupId?: string }, ProvisioningFailure>>;

  /**
   * Starts a stopped instance again (idempotent), from its volume or from `backupId`; `status` then
   * reports it pending until it is up.
   */
  start(
    instanceId: string,
    options: { readonly backupId?: string },
  ): Promise<Result<void, ProvisioningFailure>>;

  /** Releases (terminates) the instance; releasing one already released does nothing. */
  release(instanceId: string): Promise<void>;
}

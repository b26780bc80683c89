import { err, ok, type Result } from 'neverthrow';
import type {
  InstanceProvisioner,
  InstanceSpec,
  InstanceStatus,
  ProvisioningFailure,
} from '../../application/ports/provisioner.js';
import type { Clock } from '../../application/ports/clock.js';
import { CREATE_FAILURE_STATUS_CODES, type CreateFailureStatusCode } from '../../domain/index.js';

/** How the simulated provisioner behaves. */
export interface SimulatedProvisionerOptions {
  /** How long `allocate` takes to answer, in ms. */
  readonly allocateLatencyMs?: number;
  /** How long an allocated instance boots before it is running, in ms. */
  readonly bootTimeMs?: number;
  /** Instances available per instance type; an allocation beyond it fails with INSUFFICIENT_CAPACITY. */
  readonly capacity?: Readonly<Record<string, number>>;
  /** Fail every allocation of these instance types with this status code. */
  readonly failInstanceTypes?: Readonly<Record<string, CreateFailureStatusCode>>;
  /** Fail the boot (after allocation) of these instance types with this status code. */
  readonly failBootInstanceTypes?: Readonly<Record<string, CreateFailureStatusCode>>;
  /**
   * How many released (terminated) instances are remembered, oldest forgotten first (default 10,000).
   * A forgotten one answers as released does; the bound keeps a long-running server's memory flat.
   */
  readonly maxReleasedKept?: number;
}

/** The default of `maxReleasedKept`. */
export const MAX_RELEASED_KEPT = 10_000;

interface Instance {
  readonly instanceId: string;
  readonly spec: InstanceSpec;
  /** When the instance is (or will be) up; undefined while it is stopped. */
  runningAt: number | undefined;
  released: boolean;
}

const MESSAGES: Record<CreateFailureStatusCode, string> = {
  INSUFFICIENT_CAPACITY: 'There is not enough capacity for the requested instance type.',
  NETWORK_INTERFACE_ERROR: 'The network interface could not be created.',
  ACTIVE_DIRECTORY_DOMAIN_JOIN_ERROR: 'The instance could not join the Active Directory domain.',
  INITIALIZATION_SCRIPT_ERROR: 'An initialization script failed.',
  DECRYPT_STREAMING_IMAGE_ERROR: 'The streaming image could not be decrypted.',
  AMI_VALIDATION_ERROR: 'The streaming image AMI failed validation.',
  NETWORK_CONNECTION_ERROR: 'The instance could not connect to the network.',
  INTERNAL_ERROR: 'An internal error occurred while provisioning.',
};

function failure(statusCode: CreateFailureStatusCode): ProvisioningFailure {
  return { statusCode, message: MESSAGES[statusCode] };
}

/**
 * A provisioner that pretends to run EC2 instances: configurable latency, per-type capacity and failure
 * injection. Idempotent by session id; it counts allocations so tests can prove no session got two.
 */
export class SimulatedProvisioner implements InstanceProvisioner {
  readonly #bySession = new Map<string, Instance>();
  readonly #byInstance = new Map<string, Instance>();
  readonly #inUse = new Map<string, number>();
  /** Released instances in release order, so the oldest can be forgotten. */
  readonly #released = new Set<Instance>();
  #nextInstance = 0;
  #nextBackup = 0;
  /**
   * How many distinct instances were allocated per session id (never more than 1), for every session
   * whose instance is live or among the last `maxReleasedKept` released.
   */
  readonly allocations = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly options: SimulatedProvisionerOptions = {},
  ) {
    for (const code of Object.values(options.failInstanceTypes ?? {})) {
      if (!CREATE_FAILURE_STATUS_CODES.includes(code)) throw new Error(`Unknown failure status code ${code}`);
    }
  }

  async allocate(spec: InstanceSpec): Promise<Result<{ instanceId: string }, ProvisioningFailure>> {
    if ((this.options.allocateLatencyMs ?? 0) > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.options.allocateLatencyMs));
    }
    const existing = this.#bySession.get(spec.sessionId);
    if (existing !== undefined) return ok({ instanceId: existing.instanceId });
    const injected = this.options.failInstanceTypes?.[spec.ec2InstanceType];
    if (injected !== undefined) return err(failure(injected));
    const capacity = this.options.capacity?.[spec.ec2InstanceType];
    const inUse = this.#inUse.get(spec.ec2InstanceType) ?? 0;
    if (capacity !== undefined && inUse >= capacity) return err(failure('INSUFFICIENT_CAPACITY'));
    this.#nextInstance += 1;
    const instance: Instance = {
      instanceId: `i-${this.#nextInstance.toString(16).padStart(17, '0')}`,
      spec,
      runningAt: this.clock.now() + (this.options.bootTimeMs ?? 0),
      released: false,
    };
    this.#bySession.set(spec.sessionId, instance);
    this.#byInstance.set(instance.instanceId, instance);
    this.#inUse.set(spec.ec2InstanceType, inUse + 1);
    this.allocations.set(spec.sessionId, (this.allocations.get(spec.sessionId) ?? 0) + 1);
    return ok({ instanceId: instance.instanceId });
  }

  status(instanceId: string): Promise<InstanceStatus> {
    const instance = this.#byInstance.get(instanceId);
    if (instance === undefined || instance.released) {
      return Promise.resolve({ status: 'failed', failure: failure('INTERNAL_ERROR') });
    }
    const bootFailure = this.options.failBootInstanceTypes?.[instance.spec.ec2InstanceType];
    if (bootFailure !== undefined)
      return Promise.resolve({ status: 'failed', failure: failure(bootFailure) });
    const now = this.clock.now();
    if (instance.runningAt === undefined) {
      return Promise.resolve({ status: 'failed', failure: failure('INTERNAL_ERROR') });
    }
    return Promise.resolve(
      now >= instance.runningAt
        ? { status: 'running' }
        : { status: 'pending', retryAfterMs: instance.runningAt - now },
    );
  }

  stop(
    instanceId: string,
    options: { readonly retainVolume: boolean; readonly backup: boolean },
  ): Promise<Result<{ backupId?: string }, ProvisioningFailure>> {
    const instance = this.#byInstance.get(instanceId);
    if (instance === undefined || instance.released) return Promise.resolve(err(failure('INTERNAL_ERROR')));
    const wasRunning = instance.runningAt !== undefined;
    instance.runningAt = undefined;
    if (!options.backup || !wasRunning) return Promise.resolve(ok({}));
    this.#nextBackup += 1;
    return Promise.resolve(ok({ backupId: `bk-${this.#nextBackup.toString(16).padStart(17, '0')}` }));
  }

  start(instanceId: string): Promise<Result<void, ProvisioningFailure>> {
    const instance = this.#byInstance.get(instanceId);
    if (instance === undefined || instance.released) return Promise.resolve(err(failure('INTERNAL_ERROR')));
    const bootFailure = this.options.failBootInstanceTypes?.[instance.spec.ec2InstanceType];
    if (bootFailure !== undefined) return Promise.resolve(err(failure(bootFailure)));
    instance.runningAt ??= this.clock.now() + (this.options.bootTimeMs ?? 0);
    return Promise.resolve(ok(undefined));
  }

  /** Whether the instance is allocated and neither stopped nor released (for tests). */
  isRunning(instanceId: string): boolean {
    const instance = this.#byInstance.get(instanceId);
    return instance !== undefined && !instance.released && instance.runningAt !== undefined;
  }

  /** Whether the instance was released (terminated), for tests. */
  isReleased(instanceId: string): boolean {
    return this.#byInstance.get(instanceId)?.released === true;
  }

  release(instanceId: string): Promise<void> {
    const instance = this.#byInstance.get(instanceId);
    if (instance !== undefined && !instance.released) {
      instance.released = true;
      const type = instance.spec.ec2InstanceType;
      this.#inUse.set(type, Math.max(0, (this.#inUse.get(type) ?? 1) - 1));
      this.#released.add(instance);
      this.#forgetOldReleased();
    }
    return Promise.resolve();
  }

  /** How many instances are remembered, live or released (for tests of its bound). */
  get size(): number {
    return this.#byInstance.size;
  }

  #forgetOldReleased(): void {
    const max = this.options.maxReleasedKept ?? MAX_RELEASED_KEPT;
    for (const oldest of this.#released) {
      if (this.#released.size <= max) break;
      this.#released.delete(oldest);
      this.#byInstance.delete(oldest.instanceId);
      if (this.#bySession.get(oldest.spec.sessionId) === oldest) {
        this.#bySession.delete(oldest.spec.sessionId);
        this.allocations.delete(oldest.spec.sessionId);
      }
    }
  }
}

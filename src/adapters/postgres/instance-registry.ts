import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';
import type { Clock } from '../../application/ports/clock.js';
import type {
  InstanceProvisioner,
  InstanceSpec,
  InstanceStatus,
  ProvisioningFailure,
} from '../../application/ports/provisioner.js';
import { decodeText, encodeText } from './codec.js';
import { PostgresDatabase, type PostgresConnectionOptions } from './database.js';

/** How the registry's simulated instances behave. */
export interface PostgresInstanceRegistryOptions extends PostgresConnectionOptions {
  /** How long an allocated instance boots before it is running, in ms (default 0). */
  readonly bootTimeMs?: number;
}

/**
 * A simulated provisioner whose instances live in the `instance_allocations` table, keyed by session: any
 * number of processes asking for the same session get the same instance, as EC2's RunInstances does for a
 * repeated client token. Each repeated request is counted (`allocate_calls`), so a test can prove that a
 * session resumed after a crash was answered idempotently rather than given a second instance.
 */
export class PostgresInstanceRegistry implements InstanceProvisioner {
  readonly #db: PostgresDatabase;
  readonly #bootTimeMs: number;

  constructor(
    options: PostgresInstanceRegistryOptions,
    private readonly clock: Clock,
  ) {
    this.#db = new PostgresDatabase(options);
    this.#bootTimeMs = options.bootTimeMs ?? 0;
  }

  async allocate(spec: InstanceSpec): Promise<Result<{ instanceId: string }, ProvisioningFailure>> {
    const candidate = `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
    const { rows } = await this.#db.query<{ instance_id: string }>(
      'registry-allocate',
      `insert into ${this.#db.s}.instance_allocations as a
         (studio_id, session_id, instance_id, ec2_instance_type, running_at)
       values ($1, $2, $3, $4, $5)
       on conflict (studio_id, session_id) do update set allocate_calls = a.allocate_calls + 1
       returning a.instance_id`,
      [
        encodeText(spec.studioId),
        encodeText(spec.sessionId),
        candidate,
        encodeText(spec.ec2InstanceType),
        this.clock.now() + this.#bootTimeMs,
      ],
    );
    return ok({ instanceId: decodeText(rows[0]?.instance_id ?? candidate) });
  }

  async status(instanceId: string): Promise<InstanceStatus> {
    const { rows } = await this.#db.query<{ running_at: number | null; released: boolean }>(
      'registry-status',
      `select running_at, released from ${this.#db.s}.instance_allocations where instance_id = $1`,
      [encodeText(instanceId)],
    );
    const row = rows[0];
    if (row === undefined || row.released || row.running_at === null) {
      return {
        status: 'failed',
        failure: { statusCode: 'INTERNAL_ERROR', message: 'The instance is gone or stopped.' },
      };
    }
    const now = this.clock.now();
    return now >= row.running_at
      ? { status: 'running' }
      : { status: 'pending', retryAfterMs: row.running_at - now };
  }

  async stop(
    instanceId: string,
    options: { readonly retainVolume: boolean; readonly backup: boolean },
  ): Promise<Result<{ backupId?: string }, ProvisioningFailure>> {
    const { rows } = await this.#db.query<{ was_running: boolean }>(
      'registry-stop',
      `update ${this.#db.s}.instance_allocations a set running_at = null
       from (select instance_id, running_at is not null as was_running
             from ${this.#db.s}.instance_allocations where instance_id = $1 and not released for update) b
       where a.instance_id = b.instance_id
       returning b.was_running`,
      [encodeText(instanceId)],
    );
    const row = rows[0];
    if (row === undefined) return err({ statusCode: 'INTERNAL_ERROR', message: 'The instance is gone.' });
    return ok(options.backup && row.was_running ? { backupId: `bk-${randomBytes(9).toString('hex')}` } : {});
  }

  async start(instanceId: string): Promise<Result<void, ProvisioningFailure>> {
    const { rowCount } = await this.#db.query(
      'registry-start',
      `update ${this.#db.s}.instance_allocations set running_at = coalesce(running_at, $2::float8)
       where instance_id = $1 and not released`,
      [encodeText(instanceId), this.clock.now() + this.#bootTimeMs],
    );
    return (rowCount ?? 0) > 0
      ? ok(undefined)
      : err({ statusCode: 'INTERNAL_ERROR', message: 'The instance is gone.' });
  }

  async release(instanceId: string): Promise<void> {
    await this.#db.query(
      'registry-release',
      `update ${this.#db.s}.instance_allocations set released = true where instance_id = $1`,
      [encodeText(instanceId)],
    );
  }

  /** Ends the pool if the registry created it from a connection string. */
  close(): Promise<void> {
    return this.#db.close();
  }
}

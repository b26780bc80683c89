import type { ErrorObject, ValidateFunction } from 'ajv';
import { STREAMING_SESSION_STATES, type ExistingSession, type QuotaLedgerState } from '../domain/index.js';
import type { EntityKind } from './ports/entities.js';
import { JOB_KINDS, type JobKind } from './ports/jobs.js';
import { ajv } from './validation/ajv.js';

/**
 * A value read back from storage that does not have the shape this release reads: a row written by hand,
 * damaged, or by a release that stored something else. It names where the value came from (the table or
 * collection, and the row's key) and what is wrong, so an operator can find the row; it is logged where it
 * surfaces (a request answers InternalServerErrorException, a job step is retried and given up on), and it
 * never reaches a decision as a wrong value.
 */
export class StoredValueUnreadable extends Error {
  override readonly name = 'StoredValueUnreadable';
  readonly code = 'STORED_VALUE_UNREADABLE';

  constructor(
    readonly table: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`The stored value of ${table} ${key} cannot be read: ${reason}.`);
  }
}

/** Where a value was read from: the table (or collection) and the row's key, for the error's message. */
export interface StoredAt {
  readonly table: string;
  readonly key: string;
}

const STRING = { type: 'string' } as const;
const NUMBER = { type: 'number' } as const;
const STRINGS = { type: 'array', items: STRING } as const;

/**
 * What a stored session must hold for this release to read it. Fields every release has written are
 * required; the ones later releases added (the lifecycle's, the frozen stream settings) are typed when
 * present, so a row from an earlier release still reads. Unknown members are left alone: an upgrade may add
 * some, and a rollback must not refuse them.
 */
const sessionStateSchema = {
  type: 'object',
  required: ['state', 'session', 'statusCode', 'updatedAt', 'updatedBy'],
  properties: {
    state: { enum: STREAMING_SESSION_STATES },
    instanceId: STRING,
    statusCode: STRING,
    statusMessage: STRING,
    updatedAt: NUMBER,
    updatedBy: STRING,
    session: {
      type: 'object',
      required: [
        'sessionId',
        'studioId',
        'launchProfileId',
        'ec2InstanceType',
        'streamingImageId',
        'ownedBy',
        'createdBy',
        'requestedAt',
      ],
      properties: {
        sessionId: STRING,
        studioId: STRING,
        launchProfileId: STRING,
        ec2InstanceType: STRING,
        streamingImageId: STRING,
        ownedBy: STRING,
        createdBy: STRING,
        tags: { type: 'object', additionalProperties: STRING },
        requestedAt: NUMBER,
        maxSessionLengthInMinutes: NUMBER,
        maxStoppedSessionLengthInMinutes: NUMBER,
        sessionPersistenceMode: STRING,
        automaticTerminationMode: STRING,
        backupMode: STRING,
        maxBackupsToRetain: NUMBER,
        volumeConfiguration: { type: 'object' },
        stopAllowed: { type: 'boolean' },
        stopAt: NUMBER,
        terminateAt: NUMBER,
        clientToken: STRING,
        fingerprint: STRING,
      },
    },
    lifecycle: {
      type: 'object',
      required: ['backupIds'],
      properties: {
        stopAt: NUMBER,
        terminateAt: NUMBER,
        startedAt: NUMBER,
        startedBy: STRING,
        stoppedAt: NUMBER,
        stoppedBy: STRING,
        startedFromBackupId: STRING,
        volumeRetentionMode: STRING,
        backupIds: STRINGS,
      },
    },
  },
  // The states that always have an instance say so.
  if: {
    properties: {
      state: {
        enum: ['READY', 'STOP_IN_PROGRESS', 'STOPPED', 'STOP_FAILED', 'START_IN_PROGRESS', 'START_FAILED'],
      },
    },
  },
  then: { properties: { instanceId: STRING }, required: ['instanceId'] },
} as const;

/** A studio's quota ledger: counters only. */
const ledgerSnapshotSchema = {
  type: 'object',
  required: ['total', 'byInstanceFamily', 'byOwner'],
  properties: {
    total: { type: 'integer', minimum: 0 },
    byInstanceFamily: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    byOwner: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
  },
} as const;

const validateSessionState: ValidateFunction<ExistingSession> = ajv.compile(sessionStateSchema);
const validateLedgerSnapshot: ValidateFunction<QuotaLedgerState> = ajv.compile(ledgerSnapshotSchema);

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return 'it does not match its schema';
  const where = first.instancePath === '' ? 'the value' : first.instancePath.slice(1).replaceAll('/', '.');
  return `${where} ${first.message ?? 'is not valid'}`;
}

function read<T>(validate: ValidateFunction<T>, value: unknown, at: StoredAt): T {
  if (validate(value)) return value;
  throw new StoredValueUnreadable(at.table, at.key, describe(validate.errors));
}

/** A session's state as stored in its view row: checked, or StoredValueUnreadable. */
export function readStoredSession(value: unknown, at: StoredAt): ExistingSession {
  return read(validateSessionState, value, at);
}

/** A quota ledger's snapshot as stored with its stream: checked, or StoredValueUnreadable. */
export function readStoredLedger(value: unknown, at: StoredAt): QuotaLedgerState {
  return read(validateLedgerSnapshot, value, at);
}

const JOB_KIND_SET: ReadonlySet<string> = new Set(JOB_KINDS);

/** A job's kind as stored: one this release has a step for, or StoredValueUnreadable. */
export function readStoredJobKind(value: unknown, at: StoredAt): JobKind {
  if (typeof value === 'string' && JOB_KIND_SET.has(value)) return value as JobKind;
  throw new StoredValueUnreadable(
    at.table,
    at.key,
    `the job kind ${JSON.stringify(value)} is not one this release runs`,
  );
}

/**
 * An entity kind as stored: any non-empty name, or StoredValueUnreadable. Entity kinds are open at the
 * storage level on purpose: a later aggregate's tokens and jobs pass through an older process's queue and
 * token index untouched (job kinds, which say what a worker would run, are the ones claims filter on).
 */
export function readStoredEntityKind(value: unknown, at: StoredAt): EntityKind {
  if (typeof value === 'string' && value !== '') return value as EntityKind;
  throw new StoredValueUnreadable(at.table, at.key, `the entity kind ${JSON.stringify(value)} is not a name`);
}

/** A finite number as stored (an epoch-ms column, a version), or StoredValueUnreadable. */
export function readStoredNumber(value: unknown, at: StoredAt, what: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  throw new StoredValueUnreadable(at.table, at.key, `${what} is ${JSON.stringify(value)}, not a number`);
}

/** A non-empty string as stored, or StoredValueUnreadable. */
export function readStoredString(value: unknown, at: StoredAt, what: string): string {
  if (typeof value === 'string') return value;
  throw new StoredValueUnreadable(at.table, at.key, `${what} is ${JSON.stringify(value)}, not a string`);
}

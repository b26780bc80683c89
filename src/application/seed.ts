import { err, ok, type Result } from 'neverthrow';
import {
  checkStreamConfiguration,
  RESOURCE_STATES,
  STREAMING_INSTANCE_TYPES,
  validationError,
  type QuotaLimits,
  type ResourceState,
  type StreamConfiguration,
  type ValidationException,
} from '../domain/index.js';
import { ajv, toValidationException } from './validation/ajv.js';

/**
 * The seed file: the catalog (studios, launch profiles, streaming images, memberships, EULA acceptances,
 * quota settings) and the API credentials, in the API's own shapes and field names.
 * The JSON Schema below is the reference; docs/seed.schema.json is generated from it.
 */
export interface SeedStudioMembership {
  readonly principalId: string;
  readonly persona: 'ADMINISTRATOR';
  readonly identityStoreId?: string;
}

export interface SeedLaunchProfileMembership {
  readonly principalId: string;
  readonly persona: 'USER';
  readonly identityStoreId?: string;
}

export interface SeedEulaAcceptance {
  readonly eulaId: string;
  readonly eulaAcceptanceId?: string;
  readonly acceptedBy?: string;
  readonly acceptedAt?: string;
}

export interface SeedQuotas {
  readonly maxSessions?: number;
  readonly maxSessionsPerInstanceFamily?: Readonly<Record<string, number>>;
  readonly maxSessionsPerOwner?: number;
}

export interface SeedStudio {
  readonly studioId: string;
  readonly studioName?: string;
  readonly displayName?: string;
  readonly state: ResourceState;
  readonly studioMembers?: readonly SeedStudioMembership[];
  readonly eulaAcceptances?: readonly SeedEulaAcceptance[];
  readonly quotas?: SeedQuotas;
}

export interface SeedLaunchProfile {
  readonly launchProfileId: string;
  readonly studioId: string;
  readonly name?: string;
  readonly state: ResourceState;
  readonly streamConfiguration: StreamConfiguration;
  readonly launchProfileMembers?: readonly SeedLaunchProfileMembership[];
}

export interface SeedStreamingImage {
  readonly streamingImageId: string;
  /** The owning studio id, or `amazon`. */
  readonly owner: string;
  readonly name?: string;
  readonly platform?: string;
  readonly state: ResourceState;
  readonly eulaIds?: readonly string[];
}

/** An API credential: the SigV4 access key pair and the principal it authenticates as. */
export interface SeedCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /**
   * Makes the key temporary (an assumed role, an SSO profile): every request signed with it must carry this
   * token in `X-Amz-Security-Token`, signed. A key without one is long-term and must carry no token.
   */
  readonly sessionToken?: string;
  /**
   * When the temporary key stops working (ISO 8601 date-time); only with `sessionToken`. A date-time the
   * server cannot read (a leap second, `23:59:60`) is refused at load.
   */
  readonly expiresAt?: string;
  readonly principalId: string;
  /** `STUDIO_USER` for a portal identity, `IAM` for a plain IAM principal (treated as an administrator). */
  readonly kind: 'STUDIO_USER' | 'IAM';
}

export interface Seed {
  /** The 12-digit AWS account id in the ARNs the server mints. Default `000000000000`. */
  readonly accountId?: string;
  readonly studios: readonly SeedStudio[];
  readonly launchProfiles?: readonly SeedLaunchProfile[];
  readonly streamingImages?: readonly SeedStreamingImage[];
  readonly credentials?: readonly SeedCredential[];
}

const id22 = { type: 'string', minLength: 1, maxLength: 22, pattern: '^[a-zA-Z0-9-_]*$' } as const;
const state = { type: 'string', enum: [...RESOURCE_STATES] } as const;

/** A list of memberships with one persona: studio administrators, or launch-profile users. */
const memberships = <P extends string>(persona: P) =>
  ({
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['principalId', 'persona'],
      properties: {
        principalId: { type: 'string', minLength: 1 },
        persona: { const: persona },
        identityStoreId: { type: 'string' },
      },
    },
  }) as const;

/** The seed file's JSON Schema (draft-07), with the model's constraints on stream configurations. */
export const seedSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://nimble-streaming-sessions.dev/seed.schema.json',
  title: 'Streaming-session control plane seed',
  type: 'object',
  additionalProperties: false,
  required: ['studios'],
  properties: {
    $schema: { type: 'string' },
    accountId: { type: 'string', pattern: '^[0-9]{12}$' },
    studios: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['studioId', 'state'],
        properties: {
          studioId: { type: 'string', minLength: 1, pattern: '^[a-z0-9-]+:stid-[a-z0-9]+$' },
          studioName: { type: 'string' },
          displayName: { type: 'string' },
          state,
          studioMembers: memberships('ADMINISTRATOR'),
          eulaAcceptances: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['eulaId'],
              properties: {
                eulaId: id22,
                eulaAcceptanceId: id22,
                acceptedBy: { type: 'string' },
                acceptedAt: { type: 'string', format: 'date-time' },
              },
            },
          },
          quotas: {
            type: 'object',
            additionalProperties: false,
            properties: {
              maxSessions: { type: 'integer', minimum: 0 },
              maxSessionsPerInstanceFamily: {
                type: 'object',
                additionalProperties: { type: 'integer', minimum: 0 },
              },
              maxSessionsPerOwner: { type: 'integer', minimum: 0 },
            },
          },
        },
      },
    },
    launchProfiles: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['launchProfileId', 'studioId', 'state', 'streamConfiguration'],
        properties: {
          launchProfileId: id22,
          studioId: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          state,
          streamConfiguration: {
            type: 'object',
            additionalProperties: false,
            required: ['clipboardMode', 'ec2InstanceTypes', 'streamingImageIds'],
            properties: {
              clipboardMode: { enum: ['ENABLED', 'DISABLED'] },
              ec2InstanceTypes: {
                type: 'array',
                minItems: 1,
                maxItems: 30,
                items: { enum: [...STREAMING_INSTANCE_TYPES] },
              },
              streamingImageIds: { type: 'array', minItems: 1, maxItems: 20, items: id22 },
              maxSessionLengthInMinutes: { type: 'integer', minimum: 1, maximum: 43200 },
              maxStoppedSessionLengthInMinutes: { type: 'integer', minimum: 0, maximum: 5760 },
              sessionPersistenceMode: { enum: ['DEACTIVATED', 'ACTIVATED'] },
              automaticTerminationMode: { enum: ['DEACTIVATED', 'ACTIVATED'] },
              volumeConfiguration: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  size: { type: 'integer', minimum: 100, maximum: 16000 },
                  throughput: { type: 'integer', minimum: 125, maximum: 1000 },
                  iops: { type: 'integer', minimum: 3000, maximum: 16000 },
                },
              },
              sessionBackup: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  mode: { enum: ['AUTOMATIC', 'DEACTIVATED'] },
                  maxBackupsToRetain: { type: 'integer', minimum: 0, maximum: 10 },
                },
              },
              sessionStorage: { type: 'object' },
            },
          },
          launchProfileMembers: memberships('USER'),
        },
      },
    },
    streamingImages: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['streamingImageId', 'owner', 'state'],
        properties: {
          streamingImageId: id22,
          owner: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          platform: { type: 'string', pattern: '^[a-zA-Z]*$' },
          state,
          eulaIds: { type: 'array', items: id22 },
        },
      },
    },
    credentials: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['accessKeyId', 'secretAccessKey', 'principalId', 'kind'],
        dependencies: { expiresAt: ['sessionToken'] },
        properties: {
          accessKeyId: { type: 'string', minLength: 1 },
          secretAccessKey: { type: 'string', minLength: 1 },
          sessionToken: { type: 'string', minLength: 1 },
          expiresAt: { type: 'string', format: 'date-time' },
          principalId: { type: 'string', minLength: 1 },
          kind: { enum: ['STUDIO_USER', 'IAM'] },
        },
      },
    },
  },
} as const;

const validateSeedShape = ajv.compile(seedSchema);

/**
 * Whether a date-time the schema let through is one `Date.parse` reads. RFC 3339 allows a leap second
 * (`23:59:60`) and ajv-formats accepts it, as it accepts an offset without minutes (`+01`), but both parse
 * to NaN, and an expiry that is NaN compares as never reached.
 */
const readable = (dateTime: string): boolean => Number.isFinite(Date.parse(dateTime));

function unreadableTimestamp(field: string, of: string, value: string): ValidationException {
  return validationError(
    'INVALID_SEED',
    `${field} of ${of} is ${value}, not a timestamp this server can read (leap seconds such as 23:59:60 ` +
      'and offsets without minutes are not). Write another instant, such as 2030-01-01T00:00:00Z.',
    { field, rule: 'timestamp', value },
  );
}

/** Every date-time of the seed must be an instant the server can compare: refused at load, not failing open. */
function checkTimestamps(seed: Seed): Result<Seed, ValidationException> {
  for (const [i, studio] of seed.studios.entries()) {
    for (const [j, acceptance] of (studio.eulaAcceptances ?? []).entries()) {
      const at = acceptance.acceptedAt;
      if (at !== undefined && !readable(at)) {
        const field = `studios.${i}.eulaAcceptances.${j}.acceptedAt`;
        return err(unreadableTimestamp(field, `EULA ${acceptance.eulaId} of ${studio.studioId}`, at));
      }
    }
  }
  for (const [i, credential] of (seed.credentials ?? []).entries()) {
    const at = credential.expiresAt;
    if (at !== undefined && !readable(at)) {
      const field = `credentials.${i}.expiresAt`;
      return err(unreadableTimestamp(field, `access key ${credential.accessKeyId}`, at));
    }
  }
  return ok(seed);
}

function checkReferences(seed: Seed): Result<Seed, ValidationException> {
  const studios = new Set(seed.studios.map((s) => s.studioId));
  for (const [i, profile] of (seed.launchProfiles ?? []).entries()) {
    const path = `launchProfiles.${i}`;
    if (!studios.has(profile.studioId)) {
      return err(
        validationError('INVALID_SEED', `${path}.studioId names an unknown studio ${profile.studioId}.`, {
          field: `${path}.studioId`,
          rule: 'reference',
        }),
      );
    }
    const combination = checkStreamConfiguration(profile.streamConfiguration);
    if (combination.isErr()) {
      return err({
        ...combination.error,
        context: { field: `${path}.streamConfiguration`, rule: combination.error.code },
      });
    }
  }
  const keys = new Set<string>();
  for (const [i, credential] of (seed.credentials ?? []).entries()) {
    if (keys.has(credential.accessKeyId)) {
      return err(
        validationError('INVALID_SEED', `credentials.${i}.accessKeyId repeats ${credential.accessKeyId}.`, {
          field: `credentials.${i}.accessKeyId`,
          rule: 'unique',
        }),
      );
    }
    keys.add(credential.accessKeyId);
  }
  return ok(seed);
}

/**
 * Validates a parsed seed document: its shape against the schema (the error names the path and the rule),
 * that every date-time is one the server can read, then references between entries and the
 * launch-profile combinations of reference §4.3.
 */
export function parseSeed(document: unknown): Result<Seed, ValidationException> {
  if (!validateSeedShape(document)) {
    const error = toValidationException(validateSeedShape.errors?.[0], 'seed');
    return err({ ...error, code: 'INVALID_SEED' });
  }
  return checkTimestamps(document).andThen(checkReferences);
}

/** A studio's quota limits from its seed entry, with the defaults filled in. */
export function quotaLimitsOf(studio: SeedStudio | undefined, defaults: QuotaLimits): QuotaLimits {
  const q = studio?.quotas;
  return {
    maxSessions: q?.maxSessions ?? defaults.maxSessions,
    maxSessionsPerInstanceFamily: {
      ...defaults.maxSessionsPerInstanceFamily,
      ...q?.maxSessionsPerInstanceFamily,
    },
    ...(q?.maxSessionsPerOwner === undefined ? {} : { maxSessionsPerOwner: q.maxSessionsPerOwner }),
  };
}

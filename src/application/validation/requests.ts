import type { JSONSchemaType } from 'ajv';
import { STREAMING_INSTANCE_TYPES } from '../../domain/index.js';
import { ajv, resultValidator } from './ajv.js';

/**
 * The input of CreateStreamingSession as the SDK shapes it: path label, body members and the
 * `X-Amz-Client-Token` header, in one object.
 */
export interface CreateStreamingSessionInput {
  readonly studioId: string;
  readonly launchProfileId: string;
  readonly ec2InstanceType?: string;
  readonly streamingImageId?: string;
  readonly ownedBy?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly clientToken?: string;
}

/** The input of GetStreamingSession. */
export interface GetStreamingSessionInput {
  readonly studioId: string;
  readonly sessionId: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Derived from the service model (nimble-2020-08-01): `launchProfileId` and `studioId` required,
 * `ec2InstanceType` from the StreamingInstanceType enum, `streamingImageId` 0–22 of `[a-zA-Z0-9-_]`,
 * `clientToken` 1–64 characters, `tags` a string map. Unknown members are rejected, so a misspelt field is
 * reported rather than silently ignored. Tag limits are domain rules (reference §8.12), checked there.
 */
export const createStreamingSessionInputSchema: JSONSchemaType<Mutable<CreateStreamingSessionInput>> = {
  type: 'object',
  additionalProperties: false,
  required: ['studioId', 'launchProfileId'],
  properties: {
    studioId: { type: 'string', minLength: 1 },
    launchProfileId: { type: 'string' },
    ec2InstanceType: { type: 'string', enum: [...STREAMING_INSTANCE_TYPES], nullable: true },
    streamingImageId: {
      type: 'string',
      minLength: 0,
      maxLength: 22,
      pattern: '^[a-zA-Z0-9-_]*$',
      nullable: true,
    },
    ownedBy: { type: 'string', nullable: true },
    tags: {
      type: 'object',
      required: [],
      additionalProperties: { type: 'string' },
      nullable: true,
    },
    clientToken: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
  },
};

export const getStreamingSessionInputSchema: JSONSchemaType<Mutable<GetStreamingSessionInput>> = {
  type: 'object',
  additionalProperties: false,
  required: ['studioId', 'sessionId'],
  properties: {
    studioId: { type: 'string', minLength: 1 },
    sessionId: { type: 'string', minLength: 1 },
  },
};

/** Validates a CreateStreamingSession input; the error names the field and the rule. */
export const validateCreateStreamingSessionInput = resultValidator<CreateStreamingSessionInput>(
  ajv.compile(createStreamingSessionInputSchema),
  'CreateStreamingSession request',
);

/** Validates a GetStreamingSession input. */
export const validateGetStreamingSessionInput = resultValidator<GetStreamingSessionInput>(
  ajv.compile(getStreamingSessionInputSchema),
  'GetStreamingSession request',
);

/** The input of StopStreamingSession: labels, the body's `volumeRetentionMode`, the client token header. */
export interface StopStreamingSessionInput {
  readonly studioId: string;
  readonly sessionId: string;
  readonly volumeRetentionMode?: 'RETAIN' | 'DELETE';
  readonly clientToken?: string;
}

/** The input of StartStreamingSession: labels, the body's `backupId`, the client token header. */
export interface StartStreamingSessionInput {
  readonly studioId: string;
  readonly sessionId: string;
  readonly backupId?: string;
  readonly clientToken?: string;
}

/** The input of DeleteStreamingSession: labels and the client token header. */
export interface DeleteStreamingSessionInput {
  readonly studioId: string;
  readonly sessionId: string;
  readonly clientToken?: string;
}

/** The input of ListStreamingSessions: the studio label and the query members. */
export interface ListStreamingSessionsInput {
  readonly studioId: string;
  readonly createdBy?: string;
  readonly ownedBy?: string;
  /** Session ids separated by commas: the model has one string, not a list. */
  readonly sessionIds?: string;
  readonly nextToken?: string;
}

const clientTokenMember = { type: 'string', minLength: 1, maxLength: 64, nullable: true } as const;

export const stopStreamingSessionInputSchema: JSONSchemaType<Mutable<StopStreamingSessionInput>> = {
  type: 'object',
  additionalProperties: false,
  required: ['studioId', 'sessionId'],
  properties: {
    studioId: { type: 'string', minLength: 1 },
    sessionId: { type: 'string', minLength: 1 },
    volumeRetentionMode: { type: 'string', enum: ['RETAIN', 'DELETE'], nullable: true },
    clientToken: clientTokenMember,
  },
};

export const startStreamingSessionInputSchema: JSONSchemaType<Mutable<StartStreamingSessionInput>> = {
  type: 'object',
  additionalProperties: false,
  required: ['studioId', 'sessionId'],
  properties: {
    studioId: { type: 'string', minLength: 1 },
    sessionId: { type: 'string', minLength: 1 },
    backupId: { type: 'string', minLength: 1, maxLength: 64, nullable: true },
    clientToken: clientTokenMember,
  },
};

export const deleteStreamingSessionInputSchema: JSONSchemaType<Mutable<DeleteStreamingSessionInput>> = {
  type: 'object',
  additionalProperties: false,
  required: ['studioId', 'sessionId'],
  properties: {
    studioId: { type: 'string', minLength: 1 },
    sessionId: { type: 'string', minLength: 1 },
    clientToken: clientTokenMember,
  },
};

export const validateStopStreamingSessionInput = resultValidator<StopStreamingSessionInput>(
  ajv.compile(stopStreamingSessionInputSchema),
  'StopStreamingSession request',
);

export const validateStartStreamingSessionInput = resultValidator<StartStreamingSessionInput>(
  ajv.compile(startStreamingSessionInputSchema),
  'StartStreamingSession request',
);

export const validateDeleteStreamingSessionInput = resultValidator<DeleteStreamingSessionInput>(
  ajv.compile(deleteStreamingSessionInputSchema),
  'DeleteStreamingSession request',
);

/** The most session ids one ListStreamingSessions `sessionIds` filter may name. */
export const MAX_LIST_SESSION_IDS = 100;

/**
 * ListStreamingSessions: the studio label and the query members, each one string (repeating a query
 * parameter makes it a list, which is refused). The lengths only bound the work a request can cause; the
 * `sessionIds` count and the token's contents are checked by the handler, which knows what they mean.
 */
export const listStreamingSessionsInputSchema: JSONSchemaType<Mutable<ListStreamingSessionsInput>> = {
  type: 'object',
  additionalProperties: false,
  required: ['studioId'],
  properties: {
    studioId: { type: 'string', minLength: 1 },
    createdBy: { type: 'string', maxLength: 2048, nullable: true },
    ownedBy: { type: 'string', maxLength: 2048, nullable: true },
    sessionIds: { type: 'string', maxLength: 16_384, nullable: true },
    nextToken: { type: 'string', maxLength: 1024, nullable: true },
  },
};

/** Validates a ListStreamingSessions input. */
export const validateListStreamingSessionsInput = resultValidator<ListStreamingSessionsInput>(
  ajv.compile(listStreamingSessionsInputSchema),
  'ListStreamingSessions request',
);

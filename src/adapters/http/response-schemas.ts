import type { FastifySchema } from 'fastify';
import type { StreamingSessionView } from '../../domain/index.js';

/**
 * The JSON schemas of what the operations answer, so that fastify serialises each response with a
 * function compiled once at start-up (fast-json-stringify) rather than walking the object generically.
 *
 * A compiled serialiser writes exactly the properties its schema names, in the schema's order, and
 * converts values to the declared types. So these schemas list every member of the API's
 * `StreamingSession` record (`StreamingSessionView`) in the order `toStreamingSessionView` builds it, and
 * nothing here is typed looser or stricter than the record: the output is byte for byte what
 * `JSON.stringify` wrote (test/http/response-schemas.test.ts checks that on arbitrary sessions, and that
 * no member of the record is missing from the schema).
 */

const string = { type: 'string' } as const;
const number = { type: 'number' } as const;

/**
 * Every member of the API's `StreamingSession` record, in the order `toStreamingSessionView` builds it.
 * Typed over the record's keys, so a member the record gains and this lacks fails to compile rather than
 * vanish from every response.
 */
const MEMBER_SCHEMAS: Readonly<Record<keyof StreamingSessionView, object>> = {
  arn: string,
  sessionId: string,
  launchProfileId: string,
  ec2InstanceType: string,
  streamingImageId: string,
  ownedBy: string,
  createdBy: string,
  createdAt: string,
  updatedAt: string,
  updatedBy: string,
  state: string,
  statusCode: string,
  statusMessage: string,
  sessionPersistenceMode: string,
  automaticTerminationMode: string,
  backupMode: string,
  maxBackupsToRetain: number,
  tags: { type: 'object', additionalProperties: string },
  volumeConfiguration: {
    type: 'object',
    properties: { size: number, throughput: number, iops: number },
  },
  stopAt: string,
  terminateAt: string,
  startedAt: string,
  startedBy: string,
  stoppedAt: string,
  stoppedBy: string,
  startedFromBackupId: string,
  volumeRetentionMode: string,
};

/** The `StreamingSession` record. Members that are absent stay absent, as JSON.stringify leaves them. */
export const streamingSessionSchema = {
  type: 'object',
  properties: MEMBER_SCHEMAS,
} as const;

/** Every error body: `{message, code, context}`, the context a map of strings. */
export const errorBodySchema = {
  type: 'object',
  properties: {
    message: string,
    code: string,
    context: { type: 'object', additionalProperties: string },
  },
} as const;

const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

/** Create, Get, Start, Stop and Delete answer `{session}`. */
export const sessionResponseSchema: FastifySchema = {
  response: {
    200: { type: 'object', properties: { session: streamingSessionSchema } },
    ...errors,
  },
};

/** List answers `{sessions, nextToken?}`. */
export const listResponseSchema: FastifySchema = {
  response: {
    200: {
      type: 'object',
      properties: { sessions: { type: 'array', items: streamingSessionSchema }, nextToken: string },
    },
    ...errors,
  },
};

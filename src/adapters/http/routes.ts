import type { IncomingHttpHeaders } from 'node:http';
import type { FastifySchema } from 'fastify';
import type { Result } from 'neverthrow';
import type {
  CreateStreamingSessionInput,
  DeleteStreamingSessionInput,
  ListStreamingSessionsInput,
  StartStreamingSessionInput,
  StopStreamingSessionInput,
} from '../../application/validation/requests.js';
import type { ApiError, Caller } from '../../domain/index.js';
import type { StreamingSessionsApi } from '../../application/ports/inbound.js';
import { listResponseSchema, sessionResponseSchema } from './response-schemas.js';

/** Every path of the API starts with the model's version (reference §1.1). */
export const API_PREFIX = '/2020-08-01';

/** A request after the wire work: labels and query URL-decoded, the JSON body parsed into an object. */
export interface DecodedRequest {
  readonly labels: Readonly<Record<string, string>>;
  /** Query parameters; a parameter given more than once is a list (which the handlers refuse). */
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
}

/**
 * One restJson1 operation: its HTTP binding and how its input is assembled from labels, headers and body.
 * The handlers validate the assembled input against their schemas, so an unknown body member is their
 * ValidationException, not something this table must know about.
 */
export interface Operation {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path, with `:label` placeholders, as the router wants it. */
  readonly url: string;
  /** Whether the operation has a JSON payload (Create, Start, Stop) or none (Get, List, Delete). */
  readonly jsonBody: boolean;
  /** Members bound to labels or headers: the body may not carry them as well. */
  readonly boundMembers: readonly string[];
  /** The shapes of its answers, from which fastify compiles their serialisers once. */
  readonly schema: FastifySchema;
  invoke(
    api: StreamingSessionsApi,
    request: DecodedRequest,
    caller: Caller,
  ): Promise<Result<object, ApiError>>;
}

/** `X-Amz-Client-Token`; an empty value counts as absent, as the SDKs leave the header out for "". */
export function clientTokenOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['x-amz-client-token'];
  const token = Array.isArray(value) ? value.join(',') : value;
  return token === undefined || token === '' ? undefined : token;
}

const label = (request: DecodedRequest, name: string): string => request.labels[name] ?? '';

const createStreamingSession: Operation = {
  name: 'CreateStreamingSession',
  method: 'POST',
  url: `${API_PREFIX}/studios/:studioId/streaming-sessions`,
  jsonBody: true,
  boundMembers: ['studioId', 'clientToken'],
  schema: sessionResponseSchema,
  async invoke(api, request, caller) {
    const clientToken = clientTokenOf(request.headers);
    // The body is unvalidated wire data; the handler's schema checks every member before anything runs.
    const input = {
      ...request.body,
      studioId: label(request, 'studioId'),
      ...(clientToken === undefined ? {} : { clientToken }),
    } as unknown as CreateStreamingSessionInput;
    const result = await api.createStreamingSession(input, caller);
    return result.map((session) => ({ session }));
  },
};

const getStreamingSession: Operation = {
  name: 'GetStreamingSession',
  method: 'GET',
  url: `${API_PREFIX}/studios/:studioId/streaming-sessions/:sessionId`,
  jsonBody: false,
  boundMembers: ['studioId', 'sessionId'],
  schema: sessionResponseSchema,
  async invoke(api, request, caller) {
    const input = { studioId: label(request, 'studioId'), sessionId: label(request, 'sessionId') };
    const result = await api.getStreamingSession(input, caller);
    return result.map((session) => ({ session }));
  },
};

/** The session labels of Stop, Start and Delete, with the client token header when one was sent. */
function sessionTarget(request: DecodedRequest): {
  studioId: string;
  sessionId: string;
  clientToken?: string;
} {
  const clientToken = clientTokenOf(request.headers);
  return {
    studioId: label(request, 'studioId'),
    sessionId: label(request, 'sessionId'),
    ...(clientToken === undefined ? {} : { clientToken }),
  };
}

/** The query members of ListStreamingSessions; other parameters are ignored, as AWS services do. */
const LIST_QUERY_MEMBERS = ['createdBy', 'nextToken', 'ownedBy', 'sessionIds'] as const;

const listStreamingSessions: Operation = {
  name: 'ListStreamingSessions',
  method: 'GET',
  url: `${API_PREFIX}/studios/:studioId/streaming-sessions`,
  jsonBody: false,
  boundMembers: ['studioId'],
  schema: listResponseSchema,
  async invoke(api, request, caller) {
    const members = LIST_QUERY_MEMBERS.flatMap((name) => {
      const value = request.query[name];
      return value === undefined ? [] : [[name, value] as const];
    });
    // A repeated parameter arrives as a list, which the handler's schema refuses by name.
    const input = {
      ...Object.fromEntries(members),
      studioId: label(request, 'studioId'),
    } as unknown as ListStreamingSessionsInput;
    const result = await api.listStreamingSessions(input, caller);
    return result.map(({ sessions, nextToken }) => ({
      sessions,
      ...(nextToken === undefined ? {} : { nextToken }),
    }));
  },
};

const stopStreamingSession: Operation = {
  name: 'StopStreamingSession',
  method: 'POST',
  url: `${API_PREFIX}/studios/:studioId/streaming-sessions/:sessionId/stop`,
  jsonBody: true,
  boundMembers: ['studioId', 'sessionId', 'clientToken'],
  schema: sessionResponseSchema,
  async invoke(api, request, caller) {
    const input = { ...request.body, ...sessionTarget(request) } as unknown as StopStreamingSessionInput;
    const result = await api.stopStreamingSession(input, caller);
    return result.map((session) => ({ session }));
  },
};

const startStreamingSession: Operation = {
  name: 'StartStreamingSession',
  method: 'POST',
  url: `${API_PREFIX}/studios/:studioId/streaming-sessions/:sessionId/start`,
  jsonBody: true,
  boundMembers: ['studioId', 'sessionId', 'clientToken'],
  schema: sessionResponseSchema,
  async invoke(api, request, caller) {
    const input = { ...request.body, ...sessionTarget(request) } as unknown as StartStreamingSessionInput;
    const result = await api.startStreamingSession(input, caller);
    return result.map((session) => ({ session }));
  },
};

const deleteStreamingSession: Operation = {
  name: 'DeleteStreamingSession',
  method: 'DELETE',
  url: `${API_PREFIX}/studios/:studioId/streaming-sessions/:sessionId`,
  jsonBody: false,
  boundMembers: ['studioId', 'sessionId', 'clientToken'],
  schema: sessionResponseSchema,
  async invoke(api, request, caller) {
    const input: DeleteStreamingSessionInput = sessionTarget(request);
    const result = await api.deleteStreamingSession(input, caller);
    return result.map((session) => ({ session }));
  },
};

/**
 * The six operations of the streaming-session API (reference §1.2). A method and path that is none of
 * them answers UnknownOperationException (server.ts), a type no operation declares, so a client cannot
 * mistake a route this server lacks for a resource that does not exist.
 */
export const OPERATIONS: readonly Operation[] = [
  createStreamingSession,
  getStreamingSession,
  listStreamingSessions,
  startStreamingSession,
  stopStreamingSession,
  deleteStreamingSession,
];

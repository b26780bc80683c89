import type { IncomingHttpHeaders } from 'node:http';
import type { Result } from 'neverthrow';
import type { CreateStreamingSessionInput } from '../../application/validation/requests.js';
import type { ApiError, Caller } from '../../domain/index.js';
import type { StreamingSessions } from '../../streaming-sessions.js';

/** What the HTTP adapter needs of the control plane: the facade's operations, nothing of its lifecycle. */
export type StreamingSessionsApi = Pick<StreamingSessions, 'createStreamingSession' | 'getStreamingSession'>;

/** Every path of the API starts with the model's version (reference §1.1). */
export const API_PREFIX = '/2020-08-01';

/** A request after the wire work: labels URL-decoded, the JSON body parsed into an object. */
export interface DecodedRequest {
  readonly labels: Readonly<Record<string, string>>;
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
  async invoke(api, request, caller) {
    const input = { studioId: label(request, 'studioId'), sessionId: label(request, 'sessionId') };
    const result = await api.getStreamingSession(input, caller);
    return result.map((session) => ({ session }));
  },
};

/**
 * The operations this server answers (reference §1.2). The rest of the API slots in as entries of the
 * same shape once the facade has them:
 * - ListStreamingSessions: GET `…/streaming-sessions`, query createdBy, nextToken, ownedBy, sessionIds
 *   (one comma-separated string) → `{sessions, nextToken}`;
 * - StartStreamingSession: POST `…/streaming-sessions/:sessionId/start`, body `{backupId?}`, client token;
 * - StopStreamingSession: POST `…/streaming-sessions/:sessionId/stop`, body `{volumeRetentionMode?}`,
 *   client token;
 * - DeleteStreamingSession: DELETE `…/streaming-sessions/:sessionId`, no body, client token.
 * A route not in this table answers ResourceNotFoundException with code UNKNOWN_OPERATION.
 */
export const OPERATIONS: readonly Operation[] = [createStreamingSession, getStreamingSession];

import type { FastifyError, FastifyReply } from 'fastify';
import { internalError, validationError, type ApiError, type ErrorType } from '../../domain/index.js';

/** The HTTP status of each error type, as both service models declare them (reference §1.5). */
export const HTTP_STATUS: Readonly<Record<ErrorType, number>> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerErrorException: 500,
};

/** The response header that names the request; the SDKs read it into `$metadata.requestId`. */
export const REQUEST_ID_HEADER = 'x-amzn-requestid';

/** The response header that names the error type; both SDKs prefer it over the body (reference §1.5). */
export const ERROR_TYPE_HEADER = 'x-amzn-errortype';

/**
 * What a method and path that is none of the API's operations answers. Its type is declared by no
 * operation, so no client reads it as one of theirs: a clean-up script that takes 404
 * ResourceNotFoundException on Delete for "already gone" is not fooled by a server without the route.
 * 404 for an unknown path, 405 (with `Allow`) for a known path with another method.
 *
 * The body's `code` is the type itself, and the specific reason is `context.reason`: for an error its model
 * does not declare, SDK v3 names the exception after the body's `code` before the header.
 */
export interface UnknownOperationError {
  readonly type: 'UnknownOperationException';
  readonly status: 404 | 405;
  readonly code: 'UnknownOperationException';
  readonly message: string;
  readonly context: Readonly<Record<string, string>> & {
    readonly reason: 'UNKNOWN_OPERATION' | 'METHOD_NOT_ALLOWED';
  };
}

/** Every error the HTTP adapter sends: the API's seven types, and the unknown operation. */
export type WireError = ApiError | UnknownOperationError;

/** An error as it goes on the wire: status, headers and the `{message, code, context}` body. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: {
    readonly message: string;
    readonly code: string;
    readonly context: Record<string, string>;
  };
}

/**
 * The wire form of an API error. The error type always travels in `x-amzn-errortype`: without it the SDKs
 * would take the body's specific `code` (say `INVALID_PARAMETER`) for the type and lose the typed exception.
 */
export function toErrorResponse(error: WireError): ErrorResponse {
  const retryAfterMs = Number(error.context.retryAfterMs);
  // A throttled caller is told when to come back, in whole seconds as HTTP has it.
  const retryAfter =
    error.type === 'ThrottlingException' && retryAfterMs > 0
      ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) }
      : {};
  return {
    status: error.type === 'UnknownOperationException' ? error.status : HTTP_STATUS[error.type],
    headers: { [ERROR_TYPE_HEADER]: error.type, 'content-type': 'application/json', ...retryAfter },
    body: { message: error.message, code: error.code, context: { ...error.context } },
  };
}

/** Sends an API error on a fastify reply. */
export function sendApiError(reply: FastifyReply, error: WireError): FastifyReply {
  const response = toErrorResponse(error);
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/** Framework errors that are the client's doing, each with the specific code the body carries. */
const CLIENT_ERRORS: Readonly<Record<string, { code: string; message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'REQUEST_ENTITY_TOO_LARGE',
    message: 'The request body is larger than this server accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body must be JSON, sent with Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'INVALID_CONTENT_LENGTH',
    message: 'The Content-Length header does not match the request body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', message: 'The request body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'MALFORMED_URL', message: 'The request URL is not validly percent-encoded.' },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'PATH_LABEL_TOO_LONG',
    message: 'A path label is longer than this server accepts.',
  },
};

function isFrameworkError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/**
 * Classifies an error that reached the framework's error handler. Known framework errors and any other
 * framework error with a 4xx status are the client's mistake (ValidationException); everything else, a
 * thrown bug or an outage behind a handler, is an InternalServerErrorException that names the request id
 * and that the caller must log.
 */
export function classifyError(error: unknown, requestId: string): { error: ApiError; internal: boolean } {
  if (isFrameworkError(error)) {
    const known = CLIENT_ERRORS[error.code];
    if (known !== undefined) return { error: validationError(known.code, known.message), internal: false };
    const status = error.statusCode ?? 500;
    if (error.code.startsWith('FST_') && status >= 400 && status < 500) {
      return {
        error: validationError('BAD_REQUEST', 'The request is malformed.', { reason: error.code }),
        internal: false,
      };
    }
  }
  return {
    error: internalError('INTERNAL_ERROR', 'The server could not complete the request; retry it later.', {
      requestId,
    }),
    internal: true,
  };
}

/**
 * A complete raw HTTP/1.1 error response, for the one place that has only a socket: errors the HTTP parser
 * raises before any request exists (oversized headers, broken framing).
 */
export function rawErrorResponse(error: ApiError, requestId: string): string {
  const response = toErrorResponse(error);
  const body = JSON.stringify(response.body);
  const lines = [
    `HTTP/1.1 ${response.status} ${response.status === 400 ? 'Bad Request' : 'Error'}`,
    ...Object.entries(response.headers).map(([name, value]) => `${name}: ${value}`),
    `${REQUEST_ID_HEADER}: ${requestId}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

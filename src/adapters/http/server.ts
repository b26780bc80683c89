import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Clock } from '../../application/ports/clock.js';
import { err, ok, type Result } from 'neverthrow';
import {
  regionOfStudio,
  resourceNotFound,
  throttled,
  validationError,
  type ApiError,
} from '../../domain/index.js';
import { checkUnboundMembers, decodeJsonBody } from './body.js';
import { collectBody, defaultDrain, discardBody } from './body-reader.js';
import type { CredentialStore } from './credentials.js';
import {
  classifyError,
  ERROR_TYPE_HEADER,
  rawErrorResponse,
  REQUEST_ID_HEADER,
  sendApiError,
  type UnknownOperationError,
} from './errors.js';
import { registerOperabilityRoutes, type OperabilityOptions } from './operability.js';
import type { StreamingSessionsApi } from '../../application/ports/inbound.js';
import { OPERATIONS, type DecodedRequest, type Operation } from './routes.js';
import { SigV4Verifier, type Authenticated, type SigV4Options } from './sigv4.js';
import { TokenBucketThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from './throttle.js';

/** How the HTTP adapter is built: the control plane, who may call it, and the protective limits. */
export interface HttpServerOptions {
  /** The control plane the routes call (a `StreamingSessions`, or anything with its six operations). */
  readonly sessions: StreamingSessionsApi;
  /** The SigV4 access keys and the principals they authenticate as. */
  readonly credentials: CredentialStore;
  /**
   * The clock for signature freshness and throttling: pass the one the service runs on (a virtual clock in
   * tests). Default: the system's time.
   */
  readonly clock?: Pick<Clock, 'now'>;
  /** Clock skew and accepted signing regions. */
  readonly signature?: Pick<SigV4Options, 'maxClockSkewMs' | 'regions'>;
  /** The per-principal token bucket, or `false` for none. Default: DEFAULT_THROTTLE. */
  readonly throttle?: ThrottleOptions | false;
  /** The largest request body accepted, in bytes. Default 256 KiB. */
  readonly bodyLimit?: number;
  /**
   * How many bytes past `bodyLimit` are read and discarded so the client receives the typed error rather
   * than a reset; further beyond, the connection is cut. Default: four times `bodyLimit`, at least 1 MiB.
   */
  readonly bodyDrain?: number;
  /**
   * fastify's (pino) logger settings, and where its JSON lines go (default standard output). Default: no
   * logging. Each request is logged once, when answered, with the `requestId` its response carries in
   * `x-amzn-requestid`.
   */
  readonly logger?: boolean | { readonly level: string; readonly stream?: { write(line: string): unknown } };
  /** `GET /health`, `/ready` and `/metrics`, outside the API's paths. Default: `/health` and `/ready` only. */
  readonly operability?: OperabilityOptions;
  /** New request ids. Default: random UUIDs. */
  readonly requestId?: () => string;
}

/** The default body limit: a Create with 50 maximal tags, escaped, is well under it. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** The clock when none is given: the system's time, read at each use. */
const SYSTEM_TIME: Pick<Clock, 'now'> = { now: () => Date.now() };

const EMPTY = new Uint8Array(0);
const MAX_ECHO = 256;

/** The operation label of a request that matched none of the API's operations. */
const UNKNOWN_OPERATION = 'UnknownOperation';

/** What a route's config says about it: the operation it serves, or that it is a probe. */
interface RouteLabels {
  readonly operation?: string;
  readonly probe?: boolean;
}

/** pino's levels, lowest first: a logger at one level writes it and every level above. */
const LOG_LEVELS: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** Whether a logger at `level` writes lines at `wanted` (unknown levels, such as `silent`, write none). */
function logs(level: string, wanted: 'debug' | 'info'): boolean {
  return (LOG_LEVELS[level] ?? Infinity) <= (LOG_LEVELS[wanted] ?? 0);
}

/** The methods a router may be asked for; a known path answers those it does not serve with a 405. */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function requestTarget(request: FastifyRequest): Record<string, string> {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  return { method: request.method.slice(0, 16), path: path.slice(0, MAX_ECHO) };
}

function unknownOperation(request: FastifyRequest): UnknownOperationError {
  return {
    type: 'UnknownOperationException',
    status: 404,
    code: 'UnknownOperationException',
    message: 'No operation of this API matches the method and path.',
    context: { reason: 'UNKNOWN_OPERATION', ...requestTarget(request) },
  };
}

function methodNotAllowed(request: FastifyRequest, allowed: readonly string[]): UnknownOperationError {
  return {
    type: 'UnknownOperationException',
    status: 405,
    code: 'UnknownOperationException',
    message: `No operation of this API takes ${request.method.slice(0, 16)} on this path; it takes ${allowed.join(', ')}.`,
    context: { reason: 'METHOD_NOT_ALLOWED', ...requestTarget(request), allowed: allowed.join(', ') },
  };
}

function declaresBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Answers HTTP-parser errors (oversized headers, broken framing) in the API's error shape, then hangs up. */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const code =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 'REQUEST_HEADER_TOO_LARGE'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'REQUEST_TIMEOUT'
          : 'MALFORMED_REQUEST';
    socket.write(rawErrorResponse(validationError(code, 'The HTTP request is malformed.'), randomUUID()));
  }
  socket.destroy();
}

/** Authentication (SigV4 over the raw request), then the authenticated principal's token bucket. */
async function admit(
  verifier: SigV4Verifier,
  throttle: TokenBucketThrottle | undefined,
  request: FastifyRequest,
  body: Uint8Array,
): Promise<Result<Authenticated, ApiError>> {
  const verified = await verifier.verify({
    method: request.method,
    url: request.raw.url ?? '',
    headers: request.headers,
    body,
  });
  if (verified.isErr()) return err(verified.error);
  const { caller } = verified.value;
  const waitMs = throttle?.take(caller.principalId) ?? 0;
  if (waitMs === 0) return ok(verified.value);
  return err(
    throttled('RATE_EXCEEDED', 'Too many requests from this principal; slow down and retry.', {
      principalId: caller.principalId,
      retryAfterMs: String(waitMs),
    }),
  );
}

/**
 * A regional endpoint knows only its own region's studios: a studio id whose region prefix
 * (`us-west-2:stid-…`) is not the region the request was signed for is a studio that does not exist here.
 * An id without a prefix is left to the handlers.
 */
function checkStudioRegion(request: DecodedRequest, signingRegion: string): Result<void, ApiError> {
  const studioId = request.labels.studioId ?? '';
  if (regionOfStudio(studioId, signingRegion) === signingRegion) return ok(undefined);
  const notFound = resourceNotFound('studio', studioId);
  return err({ ...notFound, context: { ...notFound.context, region: signingRegion } });
}

/** The operation's input parts from the wire: decoded labels, the JSON payload (if it has one), headers. */
function decode(
  operation: Operation,
  request: FastifyRequest,
  body: Uint8Array,
): Result<DecodedRequest, ApiError> {
  const payload: Result<Record<string, unknown>, ApiError> = operation.jsonBody
    ? decodeJsonBody(body, request.headers['content-type'])
    : ok({});
  return payload.andThen((members) =>
    checkUnboundMembers(members, operation.boundMembers).map(() => ({
      labels: request.params as Record<string, string>,
      query: request.query as Record<string, string | string[]>,
      body: members,
      headers: request.headers,
    })),
  );
}

/**
 * Builds the restJson1 front door (reference §1): SigV4 authentication, a per-principal throttle, the
 * operation routes, and the error mapping that gives every failure a typed error with `x-amzn-errortype`
 * and every response an `x-amzn-requestid`. The instance is not listening yet; call `listen` on it.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const clock = options.clock ?? SYSTEM_TIME;
  const verifier = new SigV4Verifier({ ...options.signature, credentials: options.credentials, clock });
  const throttle =
    options.throttle === false
      ? undefined
      : new TokenBucketThrottle(options.throttle ?? DEFAULT_THROTTLE, clock);
  const nextId = options.requestId ?? randomUUID;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const bodyLimits = { limit: bodyLimit, drain: options.bodyDrain ?? defaultDrain(bodyLimit) };
  const app = Fastify({
    logger: options.logger ?? false,
    // One line per request, written when it is answered (onResponse below), keyed like the error bodies.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit,
    genReqId: () => nextId(),
    requestIdHeader: false,
    exposeHeadRoutes: false,
    // While closing, in-flight and already-queued requests are still answered (with Connection: close)
    // rather than refused with a bare 503 that carries no error type.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestTimeout: 60_000,
    routerOptions: { maxParamLength: 2048 },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      void sendApiError(reply, classifyError(error, request.id).error);
    },
  });

  // One parser for every media type: it only collects the bytes (within bodyLimit), because the signature
  // is checked over the raw body before anything interprets it; the route decodes the JSON afterwards.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    collectBody(request.headers, payload, bodyLimits, done);
  });

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  const metrics = options.operability?.metrics;
  // Nothing to observe without a logger or metrics: no hook, rather than one that builds a line per request
  // for a logger that drops it.
  const logging = options.logger !== undefined && options.logger !== false;
  if (logging || metrics !== undefined)
    app.addHook('onResponse', (request, reply, done) => {
      const labels = request.routeOptions.config as RouteLabels;
      const operation = labels.operation ?? UNKNOWN_OPERATION;
      const header = reply.getHeader(ERROR_TYPE_HEADER);
      const errorType = typeof header === 'string' ? header : undefined;
      if (labels.probe !== true) metrics?.observeRequest(operation, errorType, reply.elapsedTime / 1000);
      if (!logs(request.log.level, labels.probe === true ? 'debug' : 'info')) {
        done();
        return;
      }
      const line = {
        method: request.method.slice(0, 16),
        path: requestTarget(request).path,
        operation,
        statusCode: reply.statusCode,
        ...(errorType === undefined ? {} : { errorType }),
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      };
      // Load-balancer probes every few seconds would drown the requests that matter.
      if (labels.probe === true) request.log.debug(line, 'request completed');
      else request.log.info(line, 'request completed');
      done();
    });

  app.setErrorHandler((error, request, reply) => {
    const classified = classifyError(error, request.id);
    if (classified.internal) request.log.error({ err: error }, 'request failed');
    return sendApiError(reply, classified.error);
  });

  app.setNotFoundHandler((request, reply) => sendApiError(reply, unknownOperation(request)));

  const handle = (operation: Operation) => async (request: FastifyRequest, reply: FastifyReply) => {
    // The router does not read a GET's body, so its signature could not be checked: refuse a body on an
    // operation without one plainly, after reading it (within the limits), as a server that stops reading
    // stalls a client still sending.
    if (!operation.jsonBody && declaresBody(request)) {
      // A DELETE's body has been read by the content-type parser already (waiting for more would hang).
      const drained =
        request.raw.readableEnded ||
        (await discardBody(request.headers, request.raw, bodyLimits.limit + bodyLimits.drain));
      if (!drained) void reply.header('connection', 'close');
      return sendApiError(
        reply,
        validationError('UNEXPECTED_BODY', `${operation.name} takes no request body.`),
      );
    }
    const body = request.body instanceof Uint8Array ? request.body : EMPTY;
    const admitted = await admit(verifier, throttle, request, body);
    if (admitted.isErr()) {
      if (admitted.error.type === 'ThrottlingException') metrics?.throttled(operation.name);
      return sendApiError(reply, admitted.error);
    }
    const decoded = decode(operation, request, body).andThen((input) =>
      checkStudioRegion(input, admitted.value.region).map(() => input),
    );
    if (decoded.isErr()) return sendApiError(reply, decoded.error);
    const result = await operation.invoke(options.sessions, decoded.value, admitted.value.caller);
    if (result.isErr()) {
      if (result.error.type === 'ServiceQuotaExceededException') metrics?.quotaRefused(result.error.code);
      return sendApiError(reply, result.error);
    }
    return reply.code(200).send(result.value);
  };

  for (const operation of OPERATIONS) {
    app.route({
      method: operation.method,
      url: operation.url,
      config: { operation: operation.name } satisfies RouteLabels,
      // Response schemas only: fastify compiles a serialiser for each answer. Requests are validated by
      // the handlers (after the signature check over the raw body), never by fastify.
      schema: operation.schema,
      handler: handle(operation),
    });
  }
  // A path the API has, with a method none of its operations takes there: typed, before authentication.
  const methodsByUrl = new Map<string, string[]>();
  for (const { url, method } of OPERATIONS) methodsByUrl.set(url, [...(methodsByUrl.get(url) ?? []), method]);
  for (const [url, allowed] of methodsByUrl) {
    app.route({
      method: HTTP_METHODS.filter((method) => !allowed.includes(method)),
      url,
      config: { operation: UNKNOWN_OPERATION } satisfies RouteLabels,
      handler: (request, reply) =>
        sendApiError(reply.header('allow', allowed.join(', ')), methodNotAllowed(request, allowed)),
    });
  }
  registerOperabilityRoutes(app, options.operability ?? {});
  return app;
}

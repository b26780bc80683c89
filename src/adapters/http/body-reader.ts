import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';

/** How much of a request body is read. */
export interface BodyLimits {
  /** The largest body accepted, in bytes. */
  readonly limit: number;
  /**
   * How many bytes past `limit` are read and thrown away before the error is sent, so that a client still
   * sending finishes and reads the answer. Beyond `limit + drain` the server answers at once and hangs up.
   */
  readonly drain: number;
}

/** The least that is drained past any limit: a client a few hundred KiB over must still get the answer. */
const MIN_DRAIN = 1024 * 1024;

/** The default drain for a body limit: four times the limit, and at least 1 MiB. */
export function defaultDrain(limit: number): number {
  return Math.max(MIN_DRAIN, 4 * limit);
}

type Done = (error: Error | null, body?: Buffer) => void;

/**
 * Collects a request body's raw bytes (the signature is checked over them before anything decodes them),
 * refusing one over the limit with fastify's FST_ERR_CTP_BODY_TOO_LARGE. Unlike fastify's own reader, it
 * does not answer the moment the limit is passed: the server would then close the connection while the
 * client is still writing, and the client would see a reset (EPIPE, ECONNRESET) instead of the typed error.
 * So it keeps reading, keeping nothing, up to `drain` bytes more, and answers when the body has ended.
 */
export function collectBody(
  headers: IncomingHttpHeaders,
  payload: Readable,
  { limit, drain }: BodyLimits,
  done: Done,
): void {
  const declared = Number(headers['content-length']);
  if (declared > limit + drain) {
    // Far beyond the limit: not worth reading; fastify answers and closes the connection.
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  const finish: Done = (error, body) => {
    payload.off('data', onData);
    payload.off('end', onEnd);
    payload.off('error', onError);
    done(error, body);
  };
  function onData(chunk: Buffer): void {
    received += chunk.length;
    if (received <= limit) {
      chunks.push(chunk);
      return;
    }
    chunks.length = 0;
    if (received > limit + drain) finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  }
  function onEnd(): void {
    if (received > limit) finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    else if (!Number.isNaN(declared) && received !== declared) {
      finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    } else finish(null, Buffer.concat(chunks, received));
  }
  function onError(error: Error & { statusCode?: number }): void {
    // As fastify's reader does: a stream that broke off (the client went away) is a client error.
    error.statusCode ??= 400;
    finish(error);
  }
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.resume();
}

/**
 * Reads and throws away a body the operation does not take (a Get sent with one), so the error can be
 * answered on a connection that stays usable. Resolves true once the body has ended, false when it is
 * longer than `maxBytes` (declared or received) or broke off: the connection must then be closed.
 */
export function discardBody(
  headers: IncomingHttpHeaders,
  payload: Readable,
  maxBytes: number,
): Promise<boolean> {
  if (Number(headers['content-length']) > maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let received = 0;
    const finish = (ended: boolean): void => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
      resolve(ended);
    };
    function onData(chunk: Buffer): void {
      received += chunk.length;
      if (received > maxBytes) finish(false);
    }
    function onEnd(): void {
      finish(true);
    }
    function onError(): void {
      finish(false);
    }
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}

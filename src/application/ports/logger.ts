/**
 * Where the application reports what an operator must be able to see (a job step that failed, a store
 * that is unreachable). The signature is pino's, so fastify's `app.log` is a Logger as it is.
 */
export interface Logger {
  debug(context: Readonly<Record<string, unknown>>, message: string): void;
  info(context: Readonly<Record<string, unknown>>, message: string): void;
  warn(context: Readonly<Record<string, unknown>>, message: string): void;
  error(context: Readonly<Record<string, unknown>>, message: string): void;
}

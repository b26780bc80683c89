import type { Logger } from '../../application/ports/logger.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * A Logger that writes one JSON line per record to standard error, from `level` up: the embedded
 * default, so that a failing job step is never silent. The server uses fastify's logger instead.
 */
export function consoleLogger(level: Level | 'silent' = 'warn'): Logger {
  const threshold = level === 'silent' ? LEVELS.length : LEVELS.indexOf(level);
  const write =
    (at: Level) =>
    (context: Readonly<Record<string, unknown>>, message: string): void => {
      if (LEVELS.indexOf(at) < threshold) return;
      process.stderr.write(`${JSON.stringify({ level: at, time: Date.now(), msg: message, ...context })}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { err, ok, Result } from 'neverthrow';
import { DEFAULT_BODY_LIMIT } from '../adapters/http/server.js';
import { DEFAULT_THROTTLE, type ThrottleOptions } from '../adapters/http/throttle.js';
import { DEFAULT_SCHEMA } from '../adapters/postgres/migrate.js';

/** Everything `npm start` can be told, from flags or the environment. */
export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  /** The seed file: catalog and API credentials. */
  readonly seedFile: string;
  /**
   * Where sessions live: `embedded` (PostgreSQL in process, persisted to `dataDir`), `postgres` (the
   * server at `databaseUrl`) or `memory` (lost on exit).
   */
  readonly storage: StorageChoice;
  /** The embedded database's directory (embedded storage only). */
  readonly dataDir: string;
  /** A PostgreSQL connection string (postgres storage only). */
  readonly databaseUrl?: string;
  /** The PostgreSQL schema the tables live in. */
  readonly databaseSchema: string;
  /** How long the simulated provisioner's instances take to boot, in ms. */
  readonly provisionerLatencyMs: number;
  /** The per-principal throttle, or false for none. */
  readonly throttle: ThrottleOptions | false;
  readonly bodyLimit: number;
  /** pino's level names, or `silent`. */
  readonly logLevel: string;
  /** The 12-digit account id in ARNs; when absent, the seed's `accountId`, else `000000000000`. */
  readonly accountId?: string;
  /** Whether `GET /metrics` is served (Prometheus text, unauthenticated). */
  readonly metrics: boolean;
  /**
   * How long a client token is remembered after its first success, in ms (reference §7: 24 h); the
   * record is then removed, and the same token is a new request.
   */
  readonly clientTokenRetentionMs: number;
}

/** The bundled demo seed. `../../seeds` is the package root from both src/server and dist/server. */
export const DEFAULT_SEED_FILE = fileURLToPath(new URL('../../seeds/demo.json', import.meta.url));

export const DEFAULT_PORT = 8080;
/** Relative to the working directory, which for `npm start` is the package root. */
export const DEFAULT_DATA_DIR = './.nimble-data';

/** The storage choices of `--storage`. */
export const STORAGE_CHOICES = ['embedded', 'postgres', 'memory'] as const;
export type StorageChoice = (typeof STORAGE_CHOICES)[number];
export const DEFAULT_PROVISIONER_LATENCY_MS = 3000;
/** Reference §7: records are kept 24 h after the first success. */
export const DEFAULT_CLIENT_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;
/** The longest retention `--client-token-retention-ms` accepts: 30 days. */
export const MAX_CLIENT_TOKEN_RETENTION_MS = 30 * DEFAULT_CLIENT_TOKEN_RETENTION_MS;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The flags, each with the environment variable that sets it when the flag is absent. */
const FLAGS = {
  port: { env: 'PORT', help: `TCP port; 0 picks a free one (default ${DEFAULT_PORT})` },
  host: { env: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
  seed: { env: 'SEED_FILE', help: 'seed file with the catalog and credentials (default: the demo seed)' },
  storage: {
    env: 'STORAGE',
    help: 'embedded|postgres|memory (default: postgres with a database URL, else embedded)',
  },
  'data-dir': {
    env: 'DATA_DIR',
    help: `embedded storage's directory, one server at a time (default ${DEFAULT_DATA_DIR})`,
  },
  'database-url': { env: 'DATABASE_URL', help: 'PostgreSQL connection string; selects postgres storage' },
  'database-schema': { env: 'DATABASE_SCHEMA', help: `PostgreSQL schema (default ${DEFAULT_SCHEMA})` },
  'provisioner-latency-ms': {
    env: 'PROVISIONER_LATENCY_MS',
    help: `simulated instance boot time (default ${DEFAULT_PROVISIONER_LATENCY_MS})`,
  },
  'throttle-rate': {
    env: 'THROTTLE_RATE',
    help: `requests per second per principal; 0 turns throttling off (default ${DEFAULT_THROTTLE.ratePerSecond})`,
  },
  'throttle-burst': {
    env: 'THROTTLE_BURST',
    help: `burst per principal (default ${DEFAULT_THROTTLE.burst})`,
  },
  'body-limit': { env: 'BODY_LIMIT', help: `largest request body in bytes (default ${DEFAULT_BODY_LIMIT})` },
  'log-level': { env: 'LOG_LEVEL', help: `${LOG_LEVELS.join('|')} (default info)` },
  'account-id': {
    env: 'ACCOUNT_ID',
    help: "12-digit account id in ARNs (default: the seed's accountId, else 000000000000)",
  },
  metrics: { env: 'METRICS', help: 'on|off: serve Prometheus metrics at GET /metrics (default on)' },
  'client-token-retention-ms': {
    env: 'CLIENT_TOKEN_RETENTION_MS',
    help: `how long a client token is remembered, 1 to ${MAX_CLIENT_TOKEN_RETENTION_MS} (default ${DEFAULT_CLIENT_TOKEN_RETENTION_MS}, 24 h)`,
  },
} as const;

type Flag = keyof typeof FLAGS;

/** The usage text of `npm start -- --help`. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, { env, help }]) => `  --${flag.padEnd(26)} ${env.padEnd(26)} ${help}`,
  );
  return [
    'Usage: npm start -- [options]     (flags win over environment variables)',
    '',
    `  ${'flag'.padEnd(28)} ${'environment'.padEnd(26)} meaning`,
    ...lines,
    `  --${'help'.padEnd(26)} ${''.padEnd(26)} this text`,
    '',
  ].join('\n');
}

function integer(name: string, raw: string, min: number, max: number): Result<number, string> {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    return err(`${name} must be an integer from ${min} to ${max}, not "${raw}".`);
  }
  return ok(value);
}

function positive(name: string, raw: string): Result<number, string> {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    return err(`${name} must be a number of at least 0, not "${raw}".`);
  }
  return ok(value);
}

/**
 * Reads the options from command-line flags and environment variables. Returns `'help'` for --help, and a
 * message naming the bad value for anything it cannot use, so the process can exit before opening a port.
 */
export function parseServerOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<ServerOptions | 'help', string> {
  let values: Partial<Record<Flag | 'help', string | boolean>>;
  try {
    const options = Object.fromEntries(
      Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }]),
    ) as Record<Flag, { type: 'string' }>;
    values = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return ok('help');
  const get = (flag: Flag): string | undefined => {
    const value = values[flag];
    const fromEnv = env[FLAGS[flag].env];
    return typeof value === 'string' ? value : fromEnv === '' ? undefined : fromEnv;
  };
  return Result.combine([
    integer('port', get('port') ?? String(DEFAULT_PORT), 0, 65535),
    integer(
      'provisioner-latency-ms',
      get('provisioner-latency-ms') ?? String(DEFAULT_PROVISIONER_LATENCY_MS),
      0,
      3_600_000,
    ),
    positive('throttle-rate', get('throttle-rate') ?? String(DEFAULT_THROTTLE.ratePerSecond)),
    positive('throttle-burst', get('throttle-burst') ?? String(DEFAULT_THROTTLE.burst)),
    integer('body-limit', get('body-limit') ?? String(DEFAULT_BODY_LIMIT), 1024, 64 * 1024 * 1024),
    integer(
      'client-token-retention-ms',
      get('client-token-retention-ms') ?? String(DEFAULT_CLIENT_TOKEN_RETENTION_MS),
      1,
      MAX_CLIENT_TOKEN_RETENTION_MS,
    ),
  ]).andThen(
    ([port, provisionerLatencyMs, ratePerSecond, burst, bodyLimit, clientTokenRetentionMs]): Result<
      ServerOptions,
      string
    > => {
      const logLevel = get('log-level') ?? 'info';
      if (!LOG_LEVELS.includes(logLevel)) return err(`log-level must be one of ${LOG_LEVELS.join(', ')}.`);
      if (ratePerSecond > 0 && burst < 1) return err('throttle-burst must be at least 1.');
      const metrics = get('metrics') ?? 'on';
      if (metrics !== 'on' && metrics !== 'off') return err(`metrics must be on or off, not "${metrics}".`);
      const databaseUrl = get('database-url');
      const storage = get('storage') ?? (databaseUrl === undefined ? 'embedded' : 'postgres');
      if (!(STORAGE_CHOICES as readonly string[]).includes(storage)) {
        return err(`storage must be one of ${STORAGE_CHOICES.join(', ')}, not "${storage}".`);
      }
      if (storage === 'postgres' && databaseUrl === undefined) {
        return err('storage postgres needs a database URL (--database-url or DATABASE_URL).');
      }
      const dataDir = get('data-dir') ?? DEFAULT_DATA_DIR;
      const accountId = get('account-id');
      if (accountId !== undefined && !/^[0-9]{12}$/.test(accountId)) {
        return err(`account-id must be 12 digits, not "${accountId}".`);
      }
      return ok({
        port,
        host: get('host') ?? '127.0.0.1',
        seedFile: get('seed') ?? DEFAULT_SEED_FILE,
        storage: storage as StorageChoice,
        dataDir,
        ...(databaseUrl === undefined || storage !== 'postgres' ? {} : { databaseUrl }),
        databaseSchema: get('database-schema') ?? DEFAULT_SCHEMA,
        provisionerLatencyMs,
        throttle: ratePerSecond === 0 ? false : { ratePerSecond, burst },
        bodyLimit,
        logLevel,
        ...(accountId === undefined ? {} : { accountId }),
        metrics: metrics === 'on',
        clientTokenRetentionMs,
      });
    },
  );
}

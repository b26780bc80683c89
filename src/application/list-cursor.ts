import { createHash } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';
import { validationError, type ValidationException } from '../domain/index.js';
import { canonicalJson } from './fingerprint.js';

/** What a ListStreamingSessions query selects; a nextToken is valid only for the query that issued it. */
export interface ListQueryFilters {
  readonly studioId: string;
  readonly createdBy?: string;
  readonly ownedBy?: string;
  /** Normalised: trimmed, without empties or repeats. */
  readonly sessionIds?: readonly string[];
}

/** Where the next page starts: after this session, in (createdAt, sessionId) order. */
export interface ListPosition {
  readonly createdAt: number;
  readonly sessionId: string;
}

const VERSION = 1;

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22);
}

/** The query's identity: the same filters in any order or spacing give the same digest. */
function queryDigest(filters: ListQueryFilters): string {
  const sessionIds = filters.sessionIds === undefined ? undefined : [...filters.sessionIds].sort();
  return digest({ ...filters, sessionIds });
}

function checksum(position: ListPosition, query: string): string {
  return digest({ v: VERSION, at: position.createdAt, id: position.sessionId, q: query });
}

/**
 * The opaque nextToken: base64url JSON of the resume position, a digest of the query's filters and a
 * checksum over both. A position, not a snapshot: the next page is read afresh after it, so sessions
 * created meanwhile sort after it (they are newer) and none already listed comes again. The token grants
 * nothing (every page applies the caller's visibility again); the checksum only turns a corrupted or
 * edited token into an error instead of a silently different page.
 */
export function encodeNextToken(position: ListPosition, filters: ListQueryFilters): string {
  const q = queryDigest(filters);
  const body = { v: VERSION, at: position.createdAt, id: position.sessionId, q, k: checksum(position, q) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function invalidToken(reason: string, message: string): ValidationException {
  return validationError('INVALID_NEXT_TOKEN', message, { field: 'nextToken', reason });
}

function parseToken(token: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(token, 'base64url');
  // The decoder skips characters outside the alphabet and stray trailing bits: only the exact encoding
  // of what it decodes to is a token, so no two strings pass as the same one.
  if (bytes.toString('base64url') !== token) return undefined;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The position a nextToken resumes from, if this query issued it unaltered; ValidationException if not. */
export function decodeNextToken(
  token: string,
  filters: ListQueryFilters,
): Result<ListPosition, ValidationException> {
  const body = parseToken(token);
  const { v, at, id, q, k } = body ?? {};
  if (
    v !== VERSION ||
    typeof at !== 'number' ||
    !Number.isFinite(at) ||
    typeof id !== 'string' ||
    id === '' ||
    typeof q !== 'string' ||
    typeof k !== 'string'
  ) {
    return err(invalidToken('MALFORMED', 'The nextToken is not one this service issued.'));
  }
  const position = { createdAt: at, sessionId: id };
  if (k !== checksum(position, q)) {
    return err(invalidToken('ALTERED', 'The nextToken has been altered.'));
  }
  if (q !== queryDigest(filters)) {
    return err(
      invalidToken('OTHER_QUERY', 'The nextToken belongs to a query with other filters or another studio.'),
    );
  }
  return ok(position);
}

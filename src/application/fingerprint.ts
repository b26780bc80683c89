import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and undefined members dropped: equal inputs, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The request fingerprint of reference §7: a hash of the canonical JSON of every input but the token,
 * path labels included. The caller is part of it, so another principal replaying a token gets a
 * mismatch rather than someone else's session.
 */
export function requestFingerprint(
  operation: string,
  input: Readonly<Record<string, unknown>>,
  callerId: string,
): string {
  const { clientToken: _token, ...rest } = input;
  return createHash('sha256')
    .update(canonicalJson({ operation, input: rest, caller: callerId }))
    .digest('base64url');
}

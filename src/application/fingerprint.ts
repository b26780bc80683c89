import * as crypto from 'node:crypto';

/**
 * SHA-256 of a string as base64url. Node's one-shot `crypto.hash` (Node 20.12 and later) skips the Hash
 * object that `createHash().update().digest()` builds and throws away; older Node 20 releases lack it.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string })
  .hash;
const sha256 = oneShot
  ? (text: string): string => oneShot('sha256', text, 'base64url')
  : (text: string): string => crypto.createHash('sha256').update(text).digest('base64url');

/** JSON with object keys sorted at every level and undefined members dropped: equal inputs, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      // As Array.prototype.join writes them: a member with no JSON text (undefined) leaves an empty slot.
      text += (canonicalJson(value[i]) as string | undefined) ?? '';
    }
    return `${text}]`;
  }
  return canonicalObject(value as Readonly<Record<string, unknown>>, undefined);
}

/**
 * The canonical text of an object's members, leaving out `skip`. One string grows as the members are
 * written: no entry pairs, mapped arrays or joins to throw away. Keys are sorted by UTF-16 code units, as
 * `<` compares strings: that is the default order of `Array.prototype.sort` for strings, without calling
 * back into JavaScript for each comparison.
 */
function canonicalObject(object: Readonly<Record<string, unknown>>, skip: string | undefined): string {
  const keys = Object.keys(object).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined || key === skip) continue;
    if (!first) text += ',';
    first = false;
    text += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${text}}`;
}

/**
 * The request fingerprint of reference §7: a hash of the canonical JSON of every input but the token,
 * path labels included. The caller is part of it, so another principal replaying a token gets a
 * mismatch rather than someone else's session. The value is stored with every client token and in
 * SessionRequested, so it must never change for a given request: SHA-256 of `canonicalJson`, base64url.
 */
export function requestFingerprint(operation: string, input: object, callerId: string): string {
  // canonicalJson({ operation, input: input without clientToken, caller }), written without building the
  // wrapper: its three keys in their sorted order.
  return sha256(
    `{"caller":${JSON.stringify(callerId)},"input":${canonicalObject(input as Readonly<Record<string, unknown>>, 'clientToken')},"operation":${JSON.stringify(operation)}}`,
  );
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where a signing key applies: the credential scope of a signature, less its `aws4_request` terminator. */
export interface SigningScope {
  readonly accessKeyId: string;
  /** `YYYYMMDD`. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** The SigV4 signing key: four chained HMAC-SHA256s from the secret over date, region, service. */
export function deriveSigningKey(secretAccessKey: string, scope: SigningScope): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const dateKey = hmac(`AWS4${secretAccessKey}`, scope.date);
  return hmac(hmac(hmac(dateKey, scope.region), scope.service), 'aws4_request');
}

interface Entry {
  readonly secretAccessKey: string;
  readonly key: Buffer;
}

/**
 * Derived signing keys, the least recently used forgotten first once `maxEntries` are held. A key changes
 * once a day per (access key, region, service), so a busy client hits the cache on almost every request
 * and saves the four HMACs of a derivation. An entry is served only for the secret it was derived from:
 * a rotated secret is never answered with the old key. The verifier stores a key only after a signature
 * made with it matched, so a caller who lacks the secret cannot fill or churn the cache.
 */
export class SigningKeyCache {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, not ${String(maxEntries)}`);
    }
  }

  /** How many keys are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached key of this scope, if it was derived from this same secret. */
  get(scope: SigningScope, secretAccessKey: string): Buffer | undefined {
    const id = cacheId(scope);
    const entry = this.#entries.get(id);
    if (entry === undefined || !sameSecret(entry.secretAccessKey, secretAccessKey)) return undefined;
    this.#entries.delete(id); // re-inserted last: Map order is the recency order
    this.#entries.set(id, entry);
    return entry.key;
  }

  /** Remembers a key, forgetting the least recently used one when full. */
  set(scope: SigningScope, secretAccessKey: string, key: Buffer): void {
    const id = cacheId(scope);
    this.#entries.delete(id);
    this.#entries.set(id, { secretAccessKey, key });
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}

/** The parts come from splitting the credential scope on `/`, so none contains one: the join is unique. */
const cacheId = (scope: SigningScope): string =>
  `${scope.accessKeyId}/${scope.date}/${scope.region}/${scope.service}`;

/**
 * Both secrets are the server's own (the store's and the cached copy), but they are still compared in
 * constant time, so not even a rotated secret's prefix shows in a response time.
 */
function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

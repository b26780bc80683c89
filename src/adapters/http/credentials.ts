import type { SeedCredential } from '../../application/seed.js';
import type { Caller } from '../../domain/index.js';

/** A SigV4 access key: the secret a signature is recomputed with, and the caller it authenticates as. */
export interface ApiCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /**
   * Set for a temporary key: the `X-Amz-Security-Token` every request signed with it must carry. Without
   * it the key is long-term and a request carrying a token is refused.
   */
  readonly sessionToken?: string;
  /**
   * When a temporary key stops working, in epoch milliseconds. A value that is no instant (NaN, say, from
   * a date-time `Date.parse` cannot read) makes the key expired, never unexpiring.
   */
  readonly expiresAt?: number;
  readonly caller: Caller;
}

/**
 * Where the HTTP adapter looks up access keys. Asynchronous so a store backed by a database or a secrets
 * manager fits the same shape as the seed's list.
 */
export interface CredentialStore {
  /** The credential of an access key id, or undefined when the key is unknown. */
  lookup(accessKeyId: string): Promise<ApiCredential | undefined>;
}

/**
 * A credential store over the seed file's `credentials` (accessKeyId → secretAccessKey, and the session
 * token and expiry of a temporary key → principal). Whether
 * a principal is a studio administrator is not stored here: the catalog's `studioMembers` decide that.
 */
export function credentialStoreFromSeed(credentials: readonly SeedCredential[] = []): CredentialStore {
  const byKey = new Map<string, ApiCredential>();
  for (const c of credentials) {
    byKey.set(c.accessKeyId, {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken }),
      ...(c.expiresAt === undefined ? {} : { expiresAt: Date.parse(c.expiresAt) }),
      caller: { principalId: c.principalId, kind: c.kind },
    });
  }
  return { lookup: (accessKeyId) => Promise.resolve(byKey.get(accessKeyId)) };
}

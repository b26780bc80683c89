import { Heap } from 'heap-js';
import type { ClientTokenKey, ClientTokenRecord } from '../../application/ports/event-store.js';

interface ExpiryNode {
  readonly key: string;
  readonly expiresAt: number;
}

const keyOf = (key: ClientTokenKey): string => JSON.stringify([key.studioId, key.operation, key.clientToken]);

/**
 * The client-token table of the in-memory adapter: the records by (studio, operation, token), and a
 * min-heap of their expiry times, so that removing the expired ones costs O(log n) each, however many
 * unexpired ones there are. A record replaced by a commit leaves its old heap node behind; the node is
 * recognised as stale (the record now expires at another time, or is gone) and dropped when it reaches the
 * top. Only expired records are ever replaced, so a stale node is dropped by the next sweep.
 */
export class InMemoryClientTokenTable {
  readonly #records = new Map<string, ClientTokenRecord>();
  readonly #expiries = new Heap<ExpiryNode>((a, b) => a.expiresAt - b.expiresAt);

  /** How many records are stored, expired or not. */
  get size(): number {
    return this.#records.size;
  }

  /** The stored record for the key, expired or not. */
  get(key: ClientTokenKey): ClientTokenRecord | undefined {
    return this.#records.get(keyOf(key));
  }

  /** Stores the record, replacing any with its key. */
  set(record: ClientTokenRecord): void {
    const key = keyOf(record);
    this.#records.set(key, record);
    this.#expiries.push({ key, expiresAt: record.expiresAt });
  }

  /** Every stored record. */
  values(): IterableIterator<ClientTokenRecord> {
    return this.#records.values();
  }

  /** Deletes up to `limit` records expired at `now`, the earliest expiry first; returns how many. */
  expire(now: number, limit: number): number {
    let removed = 0;
    while (removed < limit) {
      const node = this.#expiries.peek();
      if (node === undefined || node.expiresAt > now) break;
      this.#expiries.pop();
      if (this.#records.get(node.key)?.expiresAt !== node.expiresAt) continue;
      this.#records.delete(node.key);
      removed += 1;
    }
    return removed;
  }
}

import { inject, injectable } from 'inversify';
import { LRUCache } from 'lru-cache';
import { initialLedgerState, type QuotaLedgerState } from '../domain/index.js';
import type { EventStore } from './ports/event-store.js';
import { readStoredLedger } from './stored-shapes.js';
import { ledgerStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/** A studio's quota ledger as last seen, with the stream version it reflects. */
export interface LedgerAt {
  readonly state: QuotaLedgerState;
  readonly version: number;
  /** True when it came from this process's cache rather than from the store just now. */
  readonly cached: boolean;
}

interface Entry {
  readonly state: QuotaLedgerState;
  readonly version: number;
}

/** How many studios' ledgers one process keeps, the least recently used forgotten first. */
export const MAX_CACHED_LEDGERS = 10_000;

/**
 * Each studio's quota ledger, cached in-process with its version, so that a create (or a delete that
 * gives a slot back) costs no read in steady state. The cache is only ever stale when another process or
 * component moved the ledger on; the commit's expected version then fails, and the caller forgets the
 * entry and loads it again. One instance per container, shared by every command that touches a ledger.
 *
 * It holds at most `maxStudios` ledgers (least recently used out first): a forgotten ledger costs one read
 * when its studio is next used, never a wrong decision, since every commit checks the ledger's version.
 * Callers load a ledger only for a studio the catalog knows (a create checks the studio first), so made-up
 * studio ids never reach it; the bound covers a catalog with more studios than the cache.
 */
@injectable()
export class LedgerCache {
  #ledgers: LRUCache<string, Entry>;

  constructor(@inject(TOKENS.EventStore) private readonly store: EventStore) {
    this.#ledgers = new LRUCache({ max: MAX_CACHED_LEDGERS });
  }

  /** A cache of another size than the default (tests, and embedders who know their studio count). */
  static withCapacity(store: EventStore, maxStudios: number): LedgerCache {
    const cache = new LedgerCache(store);
    cache.#ledgers = new LRUCache({ max: maxStudios });
    return cache;
  }

  /** How many ledgers are held. */
  get size(): number {
    return this.#ledgers.size;
  }

  /** The cached ledger, if this process holds one: no read, no await. */
  peek(studioId: string): LedgerAt | undefined {
    const cached = this.#ledgers.get(studioId);
    return cached === undefined ? undefined : { ...cached, cached: true };
  }

  async load(studioId: string): Promise<LedgerAt> {
    const cached = this.#ledgers.get(studioId);
    if (cached !== undefined) return { ...cached, cached: true };
    const snapshot = await this.store.readSnapshot(ledgerStreamId(studioId));
    const fresh =
      snapshot === undefined
        ? { state: initialLedgerState, version: 0 }
        : {
            state: readStoredLedger(snapshot.snapshot, { table: 'streams', key: ledgerStreamId(studioId) }),
            version: snapshot.version,
          };
    this.#ledgers.set(studioId, fresh);
    return { ...fresh, cached: false };
  }

  /** Records the ledger a successful commit left behind. */
  remember(studioId: string, state: QuotaLedgerState, version: number): void {
    this.#ledgers.set(studioId, { state, version });
  }

  /** Drops a ledger that proved stale (a commit conflicted on it). */
  forget(studioId: string): void {
    this.#ledgers.delete(studioId);
  }
}

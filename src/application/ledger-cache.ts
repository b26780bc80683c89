import { inject, injectable } from 'inversify';
import { initialLedgerState, type QuotaLedgerState } from '../domain/index.js';
import type { EventStore } from './ports/event-store.js';
import { ledgerStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/** A studio's quota ledger as last seen, with the stream version it reflects. */
export interface LedgerAt {
  readonly state: QuotaLedgerState;
  readonly version: number;
  /** True when it came from this process's cache rather than from the store just now. */
  readonly cached: boolean;
}

/**
 * Each studio's quota ledger, cached in-process with its version, so that a create (or a delete that
 * gives a slot back) costs no read in steady state. The cache is only ever stale when another process or
 * component moved the ledger on; the commit's expected version then fails, and the caller forgets the
 * entry and loads it again. One instance per container, shared by every command that touches a ledger.
 */
@injectable()
export class LedgerCache {
  readonly #ledgers = new Map<string, { readonly state: QuotaLedgerState; readonly version: number }>();

  constructor(@inject(TOKENS.EventStore) private readonly store: EventStore) {}

  async load(studioId: string): Promise<LedgerAt> {
    const cached = this.#ledgers.get(studioId);
    if (cached !== undefined) return { ...cached, cached: true };
    const snapshot = await this.store.readSnapshot(ledgerStreamId(studioId));
    const fresh =
      snapshot === undefined
        ? { state: initialLedgerState, version: 0 }
        : { state: snapshot.snapshot as QuotaLedgerState, version: snapshot.version };
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

/**
 * The same create on Emmett (@event-driven-io/emmett), as its command handling allows, so the project's
 * handler can be measured beside it. Per create, exactly what the project's handler does before its
 * commit (the same catalog, input validation, request fingerprint, `decideCreateStreamingSession` and
 * `evolve`), then three Emmett appends:
 *
 * 1. the session stream `StreamingSession-<studio>/<session>` through Emmett's `CommandHandler`
 *    (it aggregates the stream, here empty, runs the decision on the state and appends the session's
 *    events expecting the stream not to exist);
 * 2. the client token as a stream of its own, `ClientToken-<studio>/<token>`, appended expecting no
 *    stream, so a token can name one session only;
 * 3. the studio's `QuotaLedger-<studio>` stream, appended with the exact expected version.
 *
 * The ledger's state and version are cached per studio in the process and creates in one studio are
 * queued per process, as the project's handler does: without that, every create would replay the ledger
 * stream. A version conflict forgets the cached ledger and decides again.
 *
 * On PostgreSQL the three appends run in one transaction (see `inOneTransaction`). Emmett writes no
 * sessions view row and no provisioning job: the project's commit writes both as well, so this
 * comparison leaves Emmett less work to do.
 */
import {
  CommandHandler,
  isExpectedVersionConflictError,
  STREAM_DOES_NOT_EXIST,
  type Event as EmmettEvent,
  type EventStore as EmmettEventStore,
  type ExpectedStreamVersion,
} from '@event-driven-io/emmett';
import {
  decideCreateStreamingSession,
  evolveLedger,
  initialLedgerState,
  initialSessionState,
  resolveOwner,
  resolveStreamingImageId,
  StreamingSession,
  type CreateFacts,
  type QuotaLedgerEvent,
  type QuotaLedgerState,
  type StreamingSessionEvent,
  type StreamingSessionState,
} from '../../src/domain.js';
import {
  RandomIdGenerator,
  type Caller,
  type Catalog,
  type CreateStreamingSessionInput,
} from '../../src/index.js';
import { requestFingerprint } from '../../src/application/fingerprint.js';
import { validateCreateStreamingSessionInput } from '../../src/application/validation/requests.js';

/**
 * Emmett types events as `{type, data}` with `data` a record; the project's are the same shape with a schema
 * version beside them (which Emmett stores as its own schema version). Only the static types differ.
 */
const asEmmett = (events: readonly (StreamingSessionEvent | QuotaLedgerEvent)[]): EmmettEvent[] =>
  events as unknown as EmmettEvent[];

const handleSession = CommandHandler<StreamingSessionState, EmmettEvent>({
  evolve: (state, event) => StreamingSession.evolve(state, event as unknown as StreamingSessionEvent),
  initialState: () => initialSessionState,
  // Conflicts are handled below, by deciding again with a fresh ledger.
  retry: { retries: 0 },
});

/** One store to append to, for one create: the same store in memory, a store in the transaction on PostgreSQL. */
export type InTransaction = <T>(body: (store: EmmettEventStore) => Promise<T>) => Promise<T>;

export interface EmmettCreateOptions {
  readonly catalog: Catalog;
  readonly caller: Caller;
  /** Runs the three appends, atomically where the store can. */
  readonly transaction: InTransaction;
  /** The store outside a transaction, to load a ledger. */
  readonly store: EmmettEventStore;
  /** How "no stream yet" is expected: Emmett's PostgreSQL store does not check STREAM_DOES_NOT_EXIST. */
  readonly noStream: ExpectedStreamVersion<bigint>;
}

/** Queues work per key: creates in one studio take turns in this process, as in the project's handler. */
class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

/** Facts of the catalog, looked up as the project's handler looks them up. */
async function loadFacts(
  catalog: Catalog,
  input: CreateStreamingSessionInput,
  caller: Caller,
): Promise<CreateFacts> {
  const { studioId, launchProfileId } = input;
  const [studio, launchProfile] = await Promise.all([
    catalog.getStudio(studioId),
    catalog.getLaunchProfile(studioId, launchProfileId),
  ]);
  const imageId =
    launchProfile === undefined ? input.streamingImageId : resolveStreamingImageId(input, launchProfile);
  const owner = resolveOwner(input, caller);
  const [streamingImage, acceptedEulaIds, isStudioAdmin, isLaunchProfileMember] = await Promise.all([
    imageId === undefined ? undefined : catalog.getStreamingImage(studioId, imageId),
    catalog.listAcceptedEulaIds(studioId),
    catalog.isStudioAdmin(studioId, caller.principalId),
    catalog.isLaunchProfileMember(studioId, launchProfileId, caller.principalId),
  ]);
  if (owner !== caller.principalId) throw new Error('the benchmark creates sessions for the caller only');
  const membership = { isStudioAdmin, isLaunchProfileMember };
  return { studio, launchProfile, streamingImage, acceptedEulaIds, caller: membership, owner: membership };
}

/** A create function over Emmett, and what it wrote. */
export function emmettCreate(options: EmmettCreateOptions): {
  create: (input: unknown) => Promise<string>;
} {
  const ledgers = new Map<string, { state: QuotaLedgerState; version: bigint }>();
  const queue = new KeyedQueue();
  const ids = new RandomIdGenerator();
  const { catalog, caller } = options;

  const loadLedger = async (studioId: string) => {
    const cached = ledgers.get(studioId);
    if (cached !== undefined) return cached;
    const { state, currentStreamVersion } = await options.store.aggregateStream<
      QuotaLedgerState,
      EmmettEvent
    >(`QuotaLedger-${studioId}`, {
      evolve: (s: QuotaLedgerState, e: EmmettEvent) => evolveLedger(s, e as unknown as QuotaLedgerEvent),
      initialState: () => initialLedgerState,
    });
    const loaded = { state, version: BigInt(currentStreamVersion as bigint) };
    ledgers.set(studioId, loaded);
    return loaded;
  };

  const create = async (rawInput: unknown): Promise<string> => {
    const parsed = validateCreateStreamingSessionInput(rawInput);
    if (parsed.isErr()) throw new Error(parsed.error.message);
    const input = parsed.value;
    const fingerprint = requestFingerprint('CreateStreamingSession', { ...input }, caller.principalId);
    const facts = await loadFacts(catalog, input, caller);
    const limits = await catalog.getQuotaLimits(input.studioId);
    const { studioId } = input;
    return queue.run(studioId, async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const ledger = await loadLedger(studioId);
        const sessionId = ids.sessionId();
        const now = Date.now();
        let ledgerEvents: readonly QuotaLedgerEvent[] = [];
        try {
          const version = await options.transaction(async (store) => {
            await handleSession(store, `StreamingSession-${studioId}/${sessionId}`, (state) => {
              const decision = decideCreateStreamingSession(
                {
                  type: 'CreateStreamingSession',
                  sessionId,
                  now,
                  caller,
                  request: {
                    studioId,
                    launchProfileId: input.launchProfileId,
                    ...(input.tags === undefined ? {} : { tags: input.tags }),
                  },
                  facts,
                  ...(input.clientToken === undefined ? {} : { clientToken: input.clientToken, fingerprint }),
                },
                state,
                { state: ledger.state, limits },
              );
              if (decision.isErr()) throw new Error(`${decision.error.type}: ${decision.error.message}`);
              ledgerEvents = decision.value.ledger;
              return asEmmett(decision.value.session);
            });
            if (input.clientToken !== undefined) {
              await store.appendToStream(
                `ClientToken-${studioId}/${input.clientToken}`,
                [
                  {
                    type: 'ClientTokenRecorded',
                    data: { fingerprint, sessionId, expiresAt: now + 86_400_000 },
                  },
                ],
                { expectedStreamVersion: options.noStream },
              );
            }
            const appended = await store.appendToStream(`QuotaLedger-${studioId}`, asEmmett(ledgerEvents), {
              expectedStreamVersion: ledger.version,
            });
            return BigInt(appended.nextExpectedStreamVersion as bigint);
          });
          ledgers.set(studioId, { state: ledgerEvents.reduce(evolveLedger, ledger.state), version });
          return sessionId;
        } catch (error) {
          if (!isExpectedVersionConflictError(error)) throw error;
          ledgers.delete(studioId);
        }
      }
      throw new Error(`too many conflicts creating in ${studioId}`);
    });
  };
  return { create };
}

export { STREAM_DOES_NOT_EXIST };

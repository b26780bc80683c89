import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  checkCreateRules,
  conflict,
  decideCreateStreamingSession,
  evolveLedger,
  initialSessionState,
  resolveOwner,
  resolveStreamingImageId,
  StreamingSession,
  toStreamingSessionView,
  type ApiError,
  type Caller,
  type CreateFacts,
  type ExistingSession,
  type StreamingSessionView,
} from '../domain/index.js';
import { ClientTokens } from './client-tokens.js';
import type { ServiceConfig } from './config.js';
import { requestFingerprint } from './fingerprint.js';
import { KeyedMutex } from './keyed-mutex.js';
import { LedgerCache } from './ledger-cache.js';
import type { Catalog } from './ports/catalog.js';
import type { Clock, IdGenerator } from './ports/clock.js';
import { ExpectedVersion, type ClientTokenKey, type EventStore } from './ports/event-store.js';
import { CREATE_OPERATION, ledgerStreamId, sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';
import {
  validateCreateStreamingSessionInput,
  type CreateStreamingSessionInput,
} from './validation/requests.js';

/** Drops null members: the SDKs treat a null member as absent, and so does the service. */
export function withoutNulls(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  // Nearly every request is a plain object without a null member: then it is its own answer, not copied.
  // Anything else (a null or undefined member, an inherited one, another prototype) is copied as before.
  let copy = Object.getPrototypeOf(input) !== Object.prototype;
  if (!copy) {
    for (const key in input) {
      const value = (input as Record<string, unknown>)[key];
      if (value === null || value === undefined || !Object.hasOwn(input, key)) {
        copy = true;
        break;
      }
    }
  }
  if (!copy) return input;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * CreateStreamingSession: validate → catalog facts → quota ledger → decide → one atomic commit (session
 * stream, ledger, view, client token, outbox) → the session's view in CREATE_IN_PROGRESS.
 *
 * In steady state a create costs one storage round trip, the commit:
 * - the client token is not looked up first: the commit refuses a token already held and returns the
 *   holder, and a decision that fails looks the token up before answering, so a replay whose original
 *   request took the last quota slot still gets its session rather than a quota error;
 * - the studio's ledger is cached in-process with its version. Creates in one studio are queued per
 *   process, so the cache is only stale when another process reserved a slot; the commit's expected
 *   version then fails, and the ledger is read again. A quota refusal is confirmed on a fresh read.
 */
@injectable()
export class CreateStreamingSessionHandler {
  readonly #studioLocks = new KeyedMutex();

  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(LedgerCache) private readonly ledgers: LedgerCache,
    @inject(ClientTokens) private readonly tokens: ClientTokens,
    @inject(TOKENS.Catalog) private readonly catalog: Catalog,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.IdGenerator) private readonly ids: IdGenerator,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  /** Creates a session, or returns the current view of the one a repeated client token created. */
  async handle(rawInput: unknown, caller: Caller): Promise<Result<StreamingSessionView, ApiError>> {
    const parsed = validateCreateStreamingSessionInput(withoutNulls(rawInput));
    if (parsed.isErr()) return err(parsed.error);
    const input = parsed.value;
    const fingerprint = requestFingerprint(CREATE_OPERATION, input, caller.principalId);
    const tokenKey = this.tokens.keyOf(input.studioId, CREATE_OPERATION, input.clientToken);

    const facts = await this.loadFacts(input, caller);
    // The rules that need no ledger come first, so that nothing is locked, loaded or cached for a studio
    // the catalog does not know, nor for a caller without standing in it.
    const rules = checkCreateRules({ caller, request: input, facts });
    if (rules.isErr()) {
      // A refusal for standing answers before the token too: a replay tells what the caller may not know.
      return rules.error.type === 'AccessDeniedException'
        ? err(rules.error)
        : this.failOrReplay(rules.error, tokenKey, fingerprint);
    }
    return this.#studioLocks.run(input.studioId, () =>
      this.decideAndCommit(input, caller, facts, fingerprint, tokenKey),
    );
  }

  private async loadFacts(input: CreateStreamingSessionInput, caller: Caller): Promise<CreateFacts> {
    const { studioId, launchProfileId } = input;
    const [studio, launchProfile] = await Promise.all([
      this.catalog.getStudio(studioId),
      this.catalog.getLaunchProfile(studioId, launchProfileId),
    ]);
    const imageId =
      launchProfile === undefined ? input.streamingImageId : resolveStreamingImageId(input, launchProfile);
    const owner = resolveOwner(input, caller);
    const [
      streamingImage,
      acceptedEulaIds,
      callerAdmin,
      callerMember,
      callerInStudio,
      ownerAdmin,
      ownerMember,
    ] = await Promise.all([
      imageId === undefined ? undefined : this.catalog.getStreamingImage(studioId, imageId),
      this.catalog.listAcceptedEulaIds(studioId),
      this.catalog.isStudioAdmin(studioId, caller.principalId),
      this.catalog.isLaunchProfileMember(studioId, launchProfileId, caller.principalId),
      caller.kind === 'IAM' ? true : this.catalog.isMemberOfAnyLaunchProfile(studioId, caller.principalId),
      owner === caller.principalId ? undefined : this.catalog.isStudioAdmin(studioId, owner),
      owner === caller.principalId
        ? undefined
        : this.catalog.isLaunchProfileMember(studioId, launchProfileId, owner),
    ]);
    return {
      studio,
      launchProfile,
      streamingImage,
      acceptedEulaIds,
      caller: {
        isStudioAdmin: callerAdmin,
        isLaunchProfileMember: callerMember,
        isMemberOfAnyLaunchProfile: callerInStudio,
      },
      owner: { isStudioAdmin: ownerAdmin ?? callerAdmin, isLaunchProfileMember: ownerMember ?? callerMember },
    };
  }

  /** After a failed decision: a token already held means this is a replay, answered as such. */
  private async failOrReplay(
    error: ApiError,
    tokenKey: ClientTokenKey | undefined,
    fingerprint: string,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    const existing = await this.tokens.find(tokenKey);
    return existing === undefined ? err(error) : this.tokens.replay(existing, fingerprint);
  }

  private async decideAndCommit(
    input: CreateStreamingSessionInput,
    caller: Caller,
    facts: CreateFacts,
    fingerprint: string,
    tokenKey: ClientTokenKey | undefined,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    const { studioId } = input;
    const limits = await this.catalog.getQuotaLimits(studioId);
    for (let attempt = 1; attempt <= this.config.maxCommitAttempts; attempt++) {
      const now = this.clock.now();
      const ledger = await this.ledgers.load(studioId);
      const sessionId = this.ids.sessionId();
      const request = {
        studioId,
        launchProfileId: input.launchProfileId,
        ...(input.ec2InstanceType === undefined ? {} : { ec2InstanceType: input.ec2InstanceType }),
        ...(input.streamingImageId === undefined ? {} : { streamingImageId: input.streamingImageId }),
        ...(input.ownedBy === undefined ? {} : { ownedBy: input.ownedBy }),
        ...(input.tags === undefined ? {} : { tags: input.tags }),
      };
      const decision = decideCreateStreamingSession(
        {
          type: 'CreateStreamingSession',
          sessionId,
          now,
          caller,
          request,
          facts,
          ...(tokenKey === undefined ? {} : { clientToken: tokenKey.clientToken, fingerprint }),
        },
        initialSessionState,
        { state: ledger.state, limits },
      );
      if (decision.isErr()) {
        if (decision.error.type === 'ServiceQuotaExceededException' && ledger.cached) {
          this.ledgers.forget(studioId);
          continue;
        }
        return this.failOrReplay(decision.error, tokenKey, fingerprint);
      }
      const session = decision.value.session.reduce(
        StreamingSession.evolve,
        initialSessionState,
      ) as ExistingSession;
      const ledgerState = decision.value.ledger.reduce(evolveLedger, ledger.state);
      const committed = await this.store.commit(
        {
          appends: [
            {
              streamId: sessionStreamId(studioId, sessionId),
              studioId,
              expected: ExpectedVersion.noStream,
              events: decision.value.session,
            },
            {
              streamId: ledgerStreamId(studioId),
              studioId,
              expected: ExpectedVersion.after(ledger.version),
              events: decision.value.ledger,
              snapshot: ledgerState,
            },
          ],
          views: [{ studioId, sessionId, version: decision.value.session.length, session }],
          schedule: [{ studioId, sessionId, kind: 'provision', dueAt: now }],
          ...(tokenKey === undefined
            ? {}
            : { clientToken: this.tokens.record(tokenKey, fingerprint, sessionId, now) }),
        },
        now,
      );
      if (committed.isOk()) {
        this.ledgers.remember(studioId, ledgerState, ledger.version + decision.value.ledger.length);
        return ok(toStreamingSessionView(session, this.config.arn));
      }
      const conflictResult = committed.error;
      if (conflictResult.type === 'ClientTokenAlreadyUsed')
        return this.tokens.replay(conflictResult.existing, fingerprint);
      // A lost race on the ledger (another process reserved a slot) or a session id collision: decide again.
      if (conflictResult.streamId === ledgerStreamId(studioId)) this.ledgers.forget(studioId);
    }
    return err(
      conflict('CONCURRENT_MODIFICATION', 'Too many concurrent creates in this studio; retry the request.', {
        studioId,
      }),
    );
  }
}

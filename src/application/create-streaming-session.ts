import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  conflict,
  decideCreateStreamingSession,
  evolveLedger,
  initialLedgerState,
  initialSessionState,
  internalError,
  resolveOwner,
  resolveStreamingImageId,
  StreamingSession,
  toStreamingSessionView,
  validationError,
  type ApiError,
  type Caller,
  type CreateFacts,
  type ExistingSession,
  type QuotaLedgerState,
  type StreamingSessionView,
} from '../domain/index.js';
import type { ServiceConfig } from './config.js';
import { requestFingerprint } from './fingerprint.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { Catalog } from './ports/catalog.js';
import type { Clock, IdGenerator } from './ports/clock.js';
import {
  ExpectedVersion,
  type ClientTokenKey,
  type ClientTokenRecord,
  type EventStore,
} from './ports/event-store.js';
import type { SessionViews } from './ports/session-views.js';
import { CREATE_OPERATION, ledgerStreamId, sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';
import {
  validateCreateStreamingSessionInput,
  type CreateStreamingSessionInput,
} from './validation/requests.js';

/** Drops null members: the SDKs treat a null member as absent, and so does the service. */
export function withoutNulls(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * CreateStreamingSession: validate → client token → catalog facts → quota ledger → decide → one atomic
 * commit (session stream, ledger, view, token, outbox) → the session's view in CREATE_IN_PROGRESS.
 */
@injectable()
export class CreateStreamingSessionHandler {
  readonly #studioLocks = new KeyedMutex();

  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
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
    const fingerprint = requestFingerprint(CREATE_OPERATION, { ...input }, caller.principalId);
    const tokenKey: ClientTokenKey | undefined =
      input.clientToken === undefined
        ? undefined
        : { studioId: input.studioId, operation: CREATE_OPERATION, clientToken: input.clientToken };

    if (tokenKey !== undefined) {
      const existing = await this.store.findClientToken(tokenKey, this.clock.now());
      if (existing !== undefined) return this.replay(existing, fingerprint);
    }
    const facts = await this.loadFacts(input, caller);
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
    const [streamingImage, acceptedEulaIds, callerAdmin, callerMember, ownerAdmin, ownerMember] =
      await Promise.all([
        imageId === undefined ? undefined : this.catalog.getStreamingImage(studioId, imageId),
        this.catalog.listAcceptedEulaIds(studioId),
        this.catalog.isStudioAdmin(studioId, caller.principalId),
        this.catalog.isLaunchProfileMember(studioId, launchProfileId, caller.principalId),
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
      caller: { isStudioAdmin: callerAdmin, isLaunchProfileMember: callerMember },
      owner: { isStudioAdmin: ownerAdmin ?? callerAdmin, isLaunchProfileMember: ownerMember ?? callerMember },
    };
  }

  private async loadLedger(studioId: string): Promise<{ state: QuotaLedgerState; version: number }> {
    const snapshot = await this.store.readSnapshot(ledgerStreamId(studioId));
    if (snapshot === undefined) return { state: initialLedgerState, version: 0 };
    return { state: snapshot.snapshot as QuotaLedgerState, version: snapshot.version };
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
      const ledger = await this.loadLedger(studioId);
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
      if (decision.isErr()) return err(decision.error);
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
          enqueue: [{ studioId, sessionId }],
          ...(tokenKey === undefined
            ? {}
            : {
                clientToken: {
                  ...tokenKey,
                  fingerprint,
                  sessionId,
                  expiresAt: now + this.config.clientTokenTtlMs,
                },
              }),
        },
        now,
      );
      if (committed.isOk()) return ok(toStreamingSessionView(session, this.config.arn));
      const conflictResult = committed.error;
      if (conflictResult.type === 'ClientTokenAlreadyUsed')
        return this.replay(conflictResult.existing, fingerprint);
      // A lost race on the ledger (another process reserved a slot) or a session id collision: decide again.
    }
    return err(
      conflict('CONCURRENT_MODIFICATION', 'Too many concurrent creates in this studio; retry the request.', {
        studioId,
      }),
    );
  }

  /** Same token: the session's current view if the fingerprint matches, a ValidationException if not. */
  private async replay(
    record: ClientTokenRecord,
    fingerprint: string,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    if (record.fingerprint !== fingerprint) {
      return err(
        validationError(
          'IDEMPOTENT_PARAMETER_MISMATCH',
          'The client token was already used with different parameters.',
          { clientToken: record.clientToken },
        ),
      );
    }
    const row = await this.views.get(record.studioId, record.sessionId);
    if (row === undefined) {
      return err(
        internalError('SESSION_VIEW_MISSING', 'The session of this client token is not readable.', {
          sessionId: record.sessionId,
        }),
      );
    }
    return ok(toStreamingSessionView(row.session, this.config.arn));
  }
}

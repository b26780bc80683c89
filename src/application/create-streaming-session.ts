import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  checkCreateStanding,
  resolveOwner,
  resolveStreamingImageId,
  toStreamingSessionView,
  type ApiError,
  type Caller,
  type CreateFacts,
  type StreamingSessionView,
} from '../domain/index.js';
import { ClientTokens } from './client-tokens.js';
import type { ServiceConfig } from './config.js';
import { requestFingerprint } from './fingerprint.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { Catalog } from './ports/catalog.js';
import type { ClientTokenKey } from './ports/event-store.js';
import { SessionCommands } from './session-commands.js';
import { CREATE_OPERATION } from './streams.js';
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
 * CreateStreamingSession: validate → catalog facts → standing → the session commands' `create`, which
 * decides the session and its quota slot and commits them with the view, the provisioning job and the
 * client token as one unit → the session's view in CREATE_IN_PROGRESS.
 *
 * In steady state a create costs one storage round trip, the commit:
 * - the client token is not looked up first: the commit refuses a token already held and returns the
 *   holder, and a decision that fails looks the token up before answering, so a replay whose original
 *   request took the last quota slot still gets its session rather than a quota error;
 * - the studio's ledger is cached in-process with its version, and loaded only once the session's own
 *   rules have passed (never for a studio the catalog does not know). Creates in one studio are queued per
 *   process, so the cache is only stale when another process reserved a slot; the commit's expected
 *   version then fails, and the ledger is read again. A quota refusal is confirmed on a fresh read.
 */
@injectable()
export class CreateStreamingSessionHandler {
  readonly #studioLocks = new KeyedMutex();

  constructor(
    @inject(SessionCommands) private readonly sessions: SessionCommands,
    @inject(ClientTokens) private readonly tokens: ClientTokens,
    @inject(TOKENS.Catalog) private readonly catalog: Catalog,
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
    // Standing first, and before the client token too: a replay would tell what the caller may not know.
    const standing = checkCreateStanding({ caller, request: input, facts });
    if (standing.isErr()) return err(standing.error);
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

  /** One attempt after another through the command pipeline, queued per studio in this process. */
  private async decideAndCommit(
    input: CreateStreamingSessionInput,
    caller: Caller,
    facts: CreateFacts,
    fingerprint: string,
    tokenKey: ClientTokenKey | undefined,
  ): Promise<Result<StreamingSessionView, ApiError>> {
    const { studioId } = input;
    const limits = await this.catalog.getQuotaLimits(studioId);
    const request = {
      studioId,
      launchProfileId: input.launchProfileId,
      ...(input.ec2InstanceType === undefined ? {} : { ec2InstanceType: input.ec2InstanceType }),
      ...(input.streamingImageId === undefined ? {} : { streamingImageId: input.streamingImageId }),
      ...(input.ownedBy === undefined ? {} : { ownedBy: input.ownedBy }),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
    };
    const outcome = await this.sessions.create(
      studioId,
      (sessionId, now) => ({
        type: 'CreateStreamingSession',
        sessionId,
        now,
        caller,
        request,
        facts,
        ...(tokenKey === undefined ? {} : { clientToken: tokenKey.clientToken, fingerprint }),
      }),
      limits,
      tokenKey === undefined ? undefined : { key: tokenKey, fingerprint },
    );
    if (outcome.isErr()) return err(outcome.error);
    if (outcome.value.replayOf !== undefined)
      return this.tokens.replay(outcome.value.replayOf, fingerprint, 'session');
    return ok(toStreamingSessionView(outcome.value.session, this.config.arn));
  }
}

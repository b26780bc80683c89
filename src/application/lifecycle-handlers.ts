import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  toStreamingSessionView,
  type ApiError,
  type Caller,
  type ExistingSession,
  type StreamingSessionCommand,
  type StreamingSessionView,
} from '../domain/index.js';
import { ClientTokens } from './client-tokens.js';
import type { ServiceConfig } from './config.js';
import { withoutNulls } from './create-streaming-session.js';
import { requestFingerprint } from './fingerprint.js';
import type { Catalog } from './ports/catalog.js';
import type { Clock } from './ports/clock.js';
import { SessionCommands } from './session-commands.js';
import { TOKENS } from './tokens.js';
import {
  validateDeleteStreamingSessionInput,
  validateStartStreamingSessionInput,
  validateStopStreamingSessionInput,
  type DeleteStreamingSessionInput,
  type StartStreamingSessionInput,
  type StopStreamingSessionInput,
} from './validation/requests.js';

interface SessionRequestInput {
  readonly studioId: string;
  readonly sessionId: string;
  readonly clientToken?: string;
}

/**
 * Stop, Start and Delete share one shape: validate; answer a repeated client token with the session's
 * current view; otherwise decide the request through the command pipeline (which schedules the job that
 * carries the transition out, and records the token), and answer the session as the request left it.
 * The same operation already under way decides nothing and answers 200 with the current session.
 */
abstract class SessionRequestHandler<I extends SessionRequestInput> {
  protected abstract readonly operation: string;

  constructor(
    protected readonly pipeline: SessionCommands,
    protected readonly tokens: ClientTokens,
    protected readonly catalog: Catalog,
    protected readonly clock: Clock,
    protected readonly config: ServiceConfig,
  ) {}

  protected abstract validate(input: unknown): Result<I, ApiError>;

  /** The domain command for this request, given the session it is about. */
  protected abstract command(
    input: I,
    caller: Caller,
    session: ExistingSession,
    callerIsStudioAdmin: boolean,
  ): Promise<StreamingSessionCommand>;

  async handle(rawInput: unknown, caller: Caller): Promise<Result<StreamingSessionView, ApiError>> {
    const parsed = this.validate(withoutNulls(rawInput));
    if (parsed.isErr()) return err(parsed.error);
    const input = parsed.value;
    const fingerprint = requestFingerprint(this.operation, input, caller.principalId);
    const key = this.tokens.keyOf(input.studioId, this.operation, input.clientToken);
    const held = await this.tokens.find(key);
    if (held !== undefined) return this.tokens.replay(held, fingerprint, 'session');

    const callerIsStudioAdmin =
      caller.kind === 'IAM' || (await this.catalog.isStudioAdmin(input.studioId, caller.principalId));
    const outcome = await this.pipeline.execute(
      input,
      async (row) => ok({ commands: [await this.command(input, caller, row.session, callerIsStudioAdmin)] }),
      key === undefined ? undefined : { key, fingerprint },
    );
    if (outcome.isErr()) return err(outcome.error);
    if (outcome.value.replayOf !== undefined)
      return this.tokens.replay(outcome.value.replayOf, fingerprint, 'session');
    return ok(toStreamingSessionView(outcome.value.session, this.config.arn));
  }
}

/** StopStreamingSession: READY → STOP_IN_PROGRESS; the stop job takes it to STOPPED. */
@injectable()
export class StopStreamingSessionHandler extends SessionRequestHandler<StopStreamingSessionInput> {
  protected readonly operation = 'StopStreamingSession';

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(ClientTokens) tokens: ClientTokens,
    @inject(TOKENS.Catalog) catalog: Catalog,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.ServiceConfig) config: ServiceConfig,
  ) {
    super(pipeline, tokens, catalog, clock, config);
  }

  protected validate(input: unknown): Result<StopStreamingSessionInput, ApiError> {
    return validateStopStreamingSessionInput(input);
  }

  protected command(
    input: StopStreamingSessionInput,
    caller: Caller,
    _session: ExistingSession,
    callerIsStudioAdmin: boolean,
  ): Promise<StreamingSessionCommand> {
    return Promise.resolve({
      type: 'RequestStop',
      now: this.clock.now(),
      caller,
      callerIsStudioAdmin,
      ...(input.volumeRetentionMode === undefined ? {} : { volumeRetentionMode: input.volumeRetentionMode }),
    });
  }
}

/** StartStreamingSession: STOPPED → START_IN_PROGRESS; the start job takes it to READY. */
@injectable()
export class StartStreamingSessionHandler extends SessionRequestHandler<StartStreamingSessionInput> {
  protected readonly operation = 'StartStreamingSession';

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(ClientTokens) tokens: ClientTokens,
    @inject(TOKENS.Catalog) catalog: Catalog,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.ServiceConfig) config: ServiceConfig,
  ) {
    super(pipeline, tokens, catalog, clock, config);
  }

  protected validate(input: unknown): Result<StartStreamingSessionInput, ApiError> {
    return validateStartStreamingSessionInput(input);
  }

  protected async command(
    input: StartStreamingSessionInput,
    caller: Caller,
    session: ExistingSession,
    callerIsStudioAdmin: boolean,
  ): Promise<StreamingSessionCommand> {
    const callerIsLaunchProfileMember =
      caller.kind === 'IAM' ||
      (await this.catalog.isLaunchProfileMember(
        input.studioId,
        session.session.launchProfileId,
        caller.principalId,
      ));
    return {
      type: 'RequestStart',
      now: this.clock.now(),
      caller,
      callerIsStudioAdmin,
      callerIsLaunchProfileMember,
      ...(input.backupId === undefined ? {} : { backupId: input.backupId }),
    };
  }
}

/** DeleteStreamingSession: → DELETE_IN_PROGRESS; the delete job terminates and gives the slot back. */
@injectable()
export class DeleteStreamingSessionHandler extends SessionRequestHandler<DeleteStreamingSessionInput> {
  protected readonly operation = 'DeleteStreamingSession';

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(ClientTokens) tokens: ClientTokens,
    @inject(TOKENS.Catalog) catalog: Catalog,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.ServiceConfig) config: ServiceConfig,
  ) {
    super(pipeline, tokens, catalog, clock, config);
  }

  protected validate(input: unknown): Result<DeleteStreamingSessionInput, ApiError> {
    return validateDeleteStreamingSessionInput(input);
  }

  protected command(
    _input: DeleteStreamingSessionInput,
    caller: Caller,
    _session: ExistingSession,
    callerIsStudioAdmin: boolean,
  ): Promise<StreamingSessionCommand> {
    return Promise.resolve({ type: 'RequestDelete', now: this.clock.now(), caller, callerIsStudioAdmin });
  }
}

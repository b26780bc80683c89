import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import type { ApiError, Decider, DomainError } from '../../domain/index.js';
import { ClientTokens } from '../client-tokens.js';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import { entityOf, type EntityKey } from '../ports/entities.js';
import {
  ExpectedVersion,
  type ClientTokenKey,
  type ClientTokenRecord,
  type CommitConflict,
  type EventStore,
  type NewEvent,
  type StreamAppend,
  type UnitOfWork,
} from '../ports/event-store.js';
import type { JobKey, ScheduledJob } from '../ports/jobs.js';
import { TOKENS } from '../tokens.js';

export type { EntityKey } from '../ports/entities.js';

/**
 * A stream as an attempt found it: its key (the entity's kind and id in its studio, which names the
 * client-token record and the jobs of the command) and stream id, the state its events fold to, its
 * version.
 */
export interface Loaded<S> {
  readonly key: EntityKey;
  readonly streamId: string;
  readonly state: S;
  /** 0 for a new stream: the commit then expects that it does not exist yet. */
  readonly version: number;
}

/** Ask for another attempt: something this attempt relied on (a cached ledger, say) proved stale. */
export interface Retry {
  readonly retry: true;
}
export const RETRY: Retry = { retry: true };

/** Why an attempt stops: the API error to answer, or a reason to try again. */
export type Refusal = ApiError | Retry;

const isRetry = (refusal: Refusal): refusal is Retry => 'retry' in refusal;

/** What a plan or a plug-in adds to the unit of work beyond the stream's own events. */
export interface Contribution {
  readonly appends?: readonly StreamAppend[];
  readonly views?: UnitOfWork['views'];
  readonly schedule?: readonly ScheduledJob[];
  readonly complete?: readonly JobKey[];
  readonly purge?: UnitOfWork['purge'];
  /** Called once the unit committed (a cache takes the new value). */
  readonly onCommitted?: () => void;
  /** Called when the commit conflicted (a cache that caused it forgets its entry). */
  readonly onConflict?: (conflict: CommitConflict) => void;
}

/** What the commands of one attempt decided. */
export interface Decided<S, E, Own> {
  readonly key: EntityKey;
  readonly before: S;
  readonly after: S;
  readonly events: readonly E[];
  /** The stream's version after the commit. */
  readonly version: number;
  readonly now: number;
  /** What the plan asked for besides its commands (its own job changes, say). */
  readonly own: Own;
}

/** A value, or a promise of it: the hot path awaits only what is really asynchronous. */
export type Eventually<T> = T | Promise<T>;

const isPromise = <T>(value: Eventually<T>): value is Promise<T> => value instanceof Promise;

/**
 * A co-committed concern (view, jobs, quota ledger, …): given what was decided, what it adds. It answers
 * at once when it needs no I/O (most do, on most commands), and only then costs no await.
 */
export type Plugin<S, E, Own> = (decided: Decided<S, E, Own>) => Eventually<Result<Contribution, Refusal>>;

/** A command as the pipeline runs it: which stream, what to decide, and what to commit with it. */
export interface CommandSpec<C, S, E extends NewEvent, Own> {
  readonly decider: Pick<Decider<C, S, E, DomainError>, 'decide' | 'evolve'>;
  /** The stream this attempt acts on (a new one with a fresh id, or an existing one as it is now). */
  load(attempt: number): Eventually<Result<Loaded<S>, ApiError>>;
  /** The commands to decide, in order, each against the state the previous ones left, and the extras. */
  plan(loaded: Loaded<S>, now: number): Eventually<Result<{ commands: readonly C[]; own: Own }, Refusal>>;
  readonly plugins: readonly Plugin<S, E, Own>[];
  /** The request's client token, recorded with the change so that a repeat is answered, not re-applied. */
  readonly token?: { readonly key: ClientTokenKey; readonly fingerprint: string };
  /** The answer once every attempt lost a race. */
  readonly exhausted: ApiError;
}

/** A committed command, or the record of the client token that made it a repeat. */
export type Outcome<S, E> =
  | {
      readonly state: S;
      readonly version: number;
      readonly events: readonly E[];
      readonly replayOf?: undefined;
    }
  | { readonly replayOf: ClientTokenRecord };

/**
 * The one command pipeline, for any decider (Emmett's command handler as the model): load the stream
 * (an existing one, or a new one expected not to exist), plan and decide the commands, evolving once as
 * it decides, let each plug-in add what it co-commits (the view, the jobs the new state calls for, the
 * quota ledger), commit all of it with the client token as one unit, and on a version conflict start
 * again, a bounded number of times. A refusal, when the request has a client token already held, is
 * answered as the repeat it is. Handlers and job steps are short descriptions of a command on top of it.
 */
@injectable()
export class CommandPipeline {
  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(ClientTokens) private readonly tokens: ClientTokens,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async run<C, S, E extends NewEvent, Own>(
    spec: CommandSpec<C, S, E, Own>,
  ): Promise<Result<Outcome<S, E>, ApiError>> {
    for (let attempt = 1; attempt <= this.config.maxCommitAttempts; attempt++) {
      const now = this.clock.now();
      const loading = spec.load(attempt);
      const loaded = isPromise(loading) ? await loading : loading;
      if (loaded.isErr()) return err(loaded.error);
      const planning = spec.plan(loaded.value, now);
      const planned = isPromise(planning) ? await planning : planning;
      if (planned.isErr()) {
        if (isRetry(planned.error)) continue;
        return this.refuse(planned.error, spec);
      }
      const decided = decideAll(spec.decider, loaded.value, planned.value.commands);
      if (decided.isErr()) return this.refuse(decided.error, spec);
      const { state, events } = decided.value;
      const version = loaded.value.version + events.length;
      const facts: Decided<S, E, Own> = {
        key: loaded.value.key,
        before: loaded.value.state,
        after: state,
        events,
        version,
        now,
        own: planned.value.own,
      };

      const parts: Contribution[] = [];
      let refusal: Refusal | undefined;
      for (const plugin of spec.plugins) {
        const contributing = plugin(facts);
        const part = isPromise(contributing) ? await contributing : contributing;
        if (part.isErr()) {
          refusal = part.error;
          break;
        }
        parts.push(part.value);
      }
      if (refusal !== undefined) {
        if (isRetry(refusal)) continue;
        return this.refuse(refusal, spec);
      }

      const unit = this.unitOf(loaded.value, events, parts, spec.token, now);
      if (unit === undefined) return ok({ state, version, events });
      const committed = await this.store.commit(unit, now);
      if (committed.isOk()) {
        for (const part of parts) part.onCommitted?.();
        return ok({ state, version, events });
      }
      if (committed.error.type === 'ClientTokenAlreadyUsed')
        return ok({ replayOf: committed.error.existing });
      for (const part of parts) part.onConflict?.(committed.error);
    }
    return err(spec.exhausted);
  }

  /** Completes jobs whose work is over without a change to any stream (their entity is gone, or moved on). */
  async complete(...jobs: readonly JobKey[]): Promise<void> {
    const keys = jobs.map((j) => ({ studioId: j.studioId, entity: j.entity, kind: j.kind }));
    await this.store.commit({ appends: [], complete: keys }, this.clock.now());
  }

  /** A refused command whose client token is already held is a repeat: answered as one. */
  private async refuse<S, E>(
    error: ApiError,
    spec: { readonly token?: { readonly key: ClientTokenKey } },
  ): Promise<Result<Outcome<S, E>, ApiError>> {
    const held = await this.tokens.find(spec.token?.key);
    return held === undefined ? err(error) : ok({ replayOf: held });
  }

  /** The unit of work of one attempt, or undefined when it would write nothing. */
  private unitOf<S>(
    loaded: Loaded<S>,
    events: readonly NewEvent[],
    parts: readonly Contribution[],
    token: { readonly key: ClientTokenKey; readonly fingerprint: string } | undefined,
    now: number,
  ): UnitOfWork | undefined {
    const appends: StreamAppend[] = [];
    if (events.length > 0) {
      appends.push({
        streamId: loaded.streamId,
        studioId: loaded.key.studioId,
        expected: ExpectedVersion.after(loaded.version),
        events,
      });
    }
    const views: NonNullable<UnitOfWork['views']>[number][] = [];
    const schedule: ScheduledJob[] = [];
    const complete: JobKey[] = [];
    const purge: NonNullable<UnitOfWork['purge']>[number][] = [];
    for (const part of parts) {
      if (part.appends !== undefined) appends.push(...part.appends);
      if (part.views !== undefined) views.push(...part.views);
      if (part.schedule !== undefined) schedule.push(...part.schedule);
      if (part.complete !== undefined) complete.push(...part.complete);
      if (part.purge !== undefined) purge.push(...part.purge);
    }
    const clientToken =
      token === undefined
        ? undefined
        : this.tokens.record(token.key, token.fingerprint, entityOf(loaded.key), now);
    if (
      appends.length === 0 &&
      schedule.length === 0 &&
      complete.length === 0 &&
      purge.length === 0 &&
      clientToken === undefined
    ) {
      return undefined;
    }
    return {
      appends,
      ...(views.length === 0 ? {} : { views }),
      ...(schedule.length === 0 ? {} : { schedule }),
      ...(complete.length === 0 ? {} : { complete }),
      ...(purge.length === 0 ? {} : { purge }),
      ...(clientToken === undefined ? {} : { clientToken }),
    };
  }
}

/** Decides the commands in order, each against the state the previous ones left: the one evolve. */
function decideAll<C, S, E>(
  decider: Pick<Decider<C, S, E, DomainError>, 'decide' | 'evolve'>,
  loaded: Loaded<S>,
  commands: readonly C[],
): Result<{ state: S; events: E[] }, ApiError> {
  let state = loaded.state;
  const events: E[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    if (decided.isErr()) return err(decided.error);
    events.push(...decided.value);
    state = decided.value.reduce(decider.evolve, state);
  }
  return ok({ state, events });
}

import { AssertionError, deepStrictEqual } from 'node:assert';
import { inspect } from 'node:util';
import type { Result } from 'neverthrow';
import type { Decider } from '../domain/decider.js';

/**
 * The part of a decider a specification needs: `decide`, `evolve` and `initialState` (`isTerminal` is not
 * used, so plain Emmett-style deciders fit too).
 */
export type SpecifiedDecider<Command, State, Event, Error> = Pick<
  Decider<Command, State, Event, Error>,
  'decide' | 'evolve' | 'initialState'
>;

/**
 * Thrown when a specification does not hold. It carries `actual` and `expected`, so runners that know the
 * convention (vitest, jest, mocha, node:test) show a structured diff; the message holds a readable one too.
 */
export class DeciderSpecificationError extends Error {
  /** What the decider did: the emitted events, or the error it returned. */
  readonly actual: unknown;
  /** What the specification expected. */
  readonly expected: unknown;

  /** Builds the error; `actual` and `expected` are kept for runners that render diffs. */
  constructor(message: string, actual: unknown, expected: unknown) {
    super(message);
    this.name = 'DeciderSpecificationError';
    this.actual = actual;
    this.expected = expected;
  }
}

/** The last step of a specification: what the command must have caused. */
export interface DeciderThen<Event, Error> {
  /**
   * Asserts that the command succeeded with exactly these events, compared with deep strict equality
   * (as `node:assert` defines it: same prototypes, no `undefined`-versus-missing leniency).
   *
   * The object this method lives on is a "thenable": do not `await` it or return it from an async function.
   */
  then(expectedEvents: readonly Event[]): void;
  /**
   * Asserts that the command failed. Given a value, the error must deep-strictly equal it; given a predicate,
   * the predicate must return `true` for the error (it may also throw its own assertion error).
   */
  thenFails(expected: Error | ((error: Error) => boolean)): void;
  /**
   * Asserts that the command failed with an error whose listed members deep-strictly equal the given ones;
   * members left out (a human-readable `message`, say) are not compared.
   */
  thenFailsMatching(expected: Partial<Error>): void;
  /** Asserts that the command succeeded and decided nothing: an `Ok` with no events. */
  thenNothingHappened(): void;
}

/** The middle step of a specification: the command to decide on the state the given events built. */
export interface DeciderWhen<Command, Event, Error> {
  /** Decides `command` against the state folded from the given events. */
  when(command: Command): DeciderThen<Event, Error>;
}

/**
 * A specification of one decider. Call it (or its `given` method) with the events that happened before.
 */
export interface DeciderSpecificationFor<Command, Event, Error> {
  /** Starts a specification from the state these events build (oldest first); `[]` for a new stream. */
  (events: readonly Event[]): DeciderWhen<Command, Event, Error>;
  /** Same as calling the specification itself. */
  given(events: readonly Event[]): DeciderWhen<Command, Event, Error>;
}

function show(value: unknown): string {
  return inspect(value, { depth: 8, breakLength: 100, sorted: true });
}

function fail(summary: string, actual: unknown, expected: unknown): never {
  throw new DeciderSpecificationError(
    `${summary}\n  expected: ${show(expected)}\n  actual:   ${show(actual)}`,
    actual,
    expected,
  );
}

/** Deep strict comparison that reports through `DeciderSpecificationError`, with node's own diff. */
function assertEqual(summary: string, actual: unknown, expected: unknown): void {
  try {
    deepStrictEqual(actual, expected);
  } catch (caught) {
    if (!(caught instanceof AssertionError)) throw caught;
    throw new DeciderSpecificationError(`${summary}\n${caught.message}`, actual, expected);
  }
}

function describeOutcome<Event, Error>(result: Result<readonly Event[], Error>): string {
  return result.match(
    (events) => `Ok with ${events.length} event(s)`,
    () => 'Err',
  );
}

function thenStep<Event, Error>(result: Result<readonly Event[], Error>): DeciderThen<Event, Error> {
  return {
    then(expectedEvents) {
      if (result.isErr()) {
        fail('Expected the command to emit events, but it failed.', result.error, expectedEvents);
      }
      assertEqual('The command emitted other events than expected.', result.value, expectedEvents);
    },
    thenFails(expected) {
      if (result.isOk()) {
        fail(
          `Expected the command to fail, but it succeeded (${describeOutcome(result)}).`,
          result.value,
          expected,
        );
      }
      if (typeof expected === 'function') {
        const predicate = expected as (error: Error) => boolean;
        if (!predicate(result.error)) {
          fail('The command failed, but the error does not satisfy the predicate.', result.error, expected);
        }
        return;
      }
      assertEqual('The command failed with another error than expected.', result.error, expected);
    },
    thenFailsMatching(expected) {
      if (result.isOk()) {
        fail(
          `Expected the command to fail, but it succeeded (${describeOutcome(result)}).`,
          result.value,
          expected,
        );
      }
      const error: unknown = result.error;
      if (typeof error !== 'object' || error === null) {
        fail('The command failed with an error that is not an object.', error, expected);
      }
      const picked = Object.fromEntries(
        Object.keys(expected).map((key) => [key, (error as Record<string, unknown>)[key]]),
      );
      assertEqual('The command failed with another error than expected.', picked, { ...expected });
    },
    thenNothingHappened() {
      if (result.isErr()) {
        fail('Expected the command to decide nothing, but it failed.', result.error, []);
      }
      assertEqual('Expected the command to decide nothing, but it emitted events.', result.value, []);
    },
  };
}

function forDecider<Command, State, Event, Error>(
  decider: SpecifiedDecider<Command, State, Event, Error>,
): DeciderSpecificationFor<Command, Event, Error> {
  const given = (events: readonly Event[]): DeciderWhen<Command, Event, Error> => ({
    when(command) {
      const state = events.reduce(decider.evolve, decider.initialState);
      return thenStep(decider.decide(command, state));
    },
  });
  return Object.assign(given, { given });
}

/**
 * Given/when/then specifications for deciders that return neverthrow `Result`s, in the style of Emmett's
 * `DeciderSpecification`. Runner-agnostic: a failed expectation throws `DeciderSpecificationError`.
 *
 * @example
 * const given = DeciderSpecification.for(StreamingSession);
 * given([requested]).when(markReady).thenFails((e) => e.code === 'INVALID_STATE_TRANSITION');
 * DeciderSpecification.for(StreamingSession).given([]).when(create).then([requested]);
 */
export const DeciderSpecification = {
  /** Starts specifications for one decider. */
  for: forDecider,
} as const;

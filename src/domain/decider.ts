import type { Result } from 'neverthrow';

/**
 * A decider: the whole behaviour of one kind of stream as three pure functions.
 * `decide` checks a command against the current state and returns the events it causes (or why not);
 * `evolve` folds one event into the state and never throws; `initialState` is the state before any event.
 */
export interface Decider<Command, State, Event, Error> {
  readonly decide: (command: Command, state: State) => Result<readonly Event[], Error>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
  readonly isTerminal: (state: State) => boolean;
}

/** Folds a sequence of events into a state with the decider's `evolve`, starting from `initialState`. */
export function replay<S, E>(
  decider: Pick<Decider<unknown, S, E, unknown>, 'evolve' | 'initialState'>,
  events: readonly E[],
): S {
  return events.reduce(decider.evolve, decider.initialState);
}

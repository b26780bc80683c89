import { describe, expect, it } from 'vitest';
import { err, ok } from 'neverthrow';
import { StreamingSession, type Decider } from 'nimble-streaming-sessions/domain';
import { DeciderSpecification, DeciderSpecificationError } from 'nimble-streaming-sessions/testing';
import { createCommand, requested } from './fixtures.js';

/** A toy decider, to show the helper works with any Decider, not only the streaming session. */
type CounterEvent = { type: 'Added'; by: number };
type CounterCommand = { type: 'Add'; by: number };
type CounterError = { type: 'TooBig'; limit: number } | 'plain string error';
const counter: Decider<CounterCommand, number, CounterEvent, CounterError> = {
  decide: (command, state) => {
    if (command.by === 0) return ok([]);
    if (command.by < 0) return err('plain string error');
    return state + command.by > 10
      ? err({ type: 'TooBig', limit: 10 })
      : ok([{ type: 'Added', by: command.by }]);
  },
  evolve: (state, event) => state + event.by,
  initialState: 0,
  isTerminal: () => false,
};

const given = DeciderSpecification.for(counter);

function failure(run: () => void): DeciderSpecificationError {
  try {
    run();
  } catch (caught) {
    expect(caught).toBeInstanceOf(DeciderSpecificationError);
    return caught as DeciderSpecificationError;
  }
  throw new Error('the specification did not fail');
}

describe('DeciderSpecification: passing specifications', () => {
  it('folds the given events with evolve before deciding', () => {
    given([
      { type: 'Added', by: 4 },
      { type: 'Added', by: 5 },
    ])
      .when({ type: 'Add', by: 1 })
      .then([{ type: 'Added', by: 1 }]);
    given([
      { type: 'Added', by: 4 },
      { type: 'Added', by: 5 },
    ])
      .when({ type: 'Add', by: 2 })
      .thenFails({ type: 'TooBig', limit: 10 });
  });

  it('is callable directly and through .given', () => {
    given.given([]).when({ type: 'Add', by: 0 }).thenNothingHappened();
    given([]).when({ type: 'Add', by: 0 }).thenNothingHappened();
  });

  it('thenFails accepts a predicate; thenFailsMatching compares only the listed members', () => {
    given([{ type: 'Added', by: 10 }])
      .when({ type: 'Add', by: 1 })
      .thenFails((e) => typeof e === 'object' && e.limit === 10);
    given([{ type: 'Added', by: 10 }])
      .when({ type: 'Add', by: 1 })
      .thenFailsMatching({ limit: 10 });
  });

  it('works with the StreamingSession decider', () => {
    DeciderSpecification.for(StreamingSession).given([]).when(createCommand()).then([requested()]);
  });
});

describe('DeciderSpecification: failing specifications throw a readable DeciderSpecificationError', () => {
  it('then: other events, with a diff and actual/expected for runners', () => {
    const e = failure(() => {
      given([])
        .when({ type: 'Add', by: 1 })
        .then([{ type: 'Added', by: 2 }]);
    });
    expect(e.name).toBe('DeciderSpecificationError');
    expect(e.message).toContain('The command emitted other events than expected.');
    expect(e.message).toMatch(/by: 2/);
    expect(e.actual).toStrictEqual([{ type: 'Added', by: 1 }]);
    expect(e.expected).toStrictEqual([{ type: 'Added', by: 2 }]);
  });

  it('then: the command failed', () => {
    const e = failure(() => {
      given([{ type: 'Added', by: 10 }])
        .when({ type: 'Add', by: 1 })
        .then([]);
    });
    expect(e.message).toContain('Expected the command to emit events, but it failed.');
    expect(e.message).toContain("type: 'TooBig'");
    expect(e.actual).toStrictEqual({ type: 'TooBig', limit: 10 });
  });

  it('thenFails: the command succeeded', () => {
    const e = failure(() => {
      given([]).when({ type: 'Add', by: 1 }).thenFails({ type: 'TooBig', limit: 10 });
    });
    expect(e.message).toContain('Expected the command to fail, but it succeeded (Ok with 1 event(s)).');
    expect(e.actual).toStrictEqual([{ type: 'Added', by: 1 }]);
  });

  it('thenFails: another error', () => {
    const e = failure(() => {
      given([{ type: 'Added', by: 10 }])
        .when({ type: 'Add', by: 1 })
        .thenFails({ type: 'TooBig', limit: 11 });
    });
    expect(e.message).toContain('The command failed with another error than expected.');
    expect(e.message).toContain('11');
  });

  it('thenFails: the predicate rejects the error', () => {
    const e = failure(() => {
      given([{ type: 'Added', by: 10 }])
        .when({ type: 'Add', by: 1 })
        .thenFails(() => false);
    });
    expect(e.message).toContain('does not satisfy the predicate');
  });

  it('thenFailsMatching: the command succeeded, or a listed member differs', () => {
    expect(
      failure(() => {
        given([]).when({ type: 'Add', by: 1 }).thenFailsMatching({ limit: 10 });
      }).message,
    ).toContain('Expected the command to fail, but it succeeded');
    const e = failure(() => {
      given([{ type: 'Added', by: 10 }])
        .when({ type: 'Add', by: 1 })
        .thenFailsMatching({ limit: 3 });
    });
    expect(e.message).toContain('The command failed with another error than expected.');
    expect(e.actual).toStrictEqual({ limit: 10 });
    expect(e.expected).toStrictEqual({ limit: 3 });
  });

  it('thenFailsMatching: an error that is not an object', () => {
    const e = failure(() => {
      given([]).when({ type: 'Add', by: -1 }).thenFailsMatching({ limit: 3 });
    });
    expect(e.message).toContain('The command failed with an error that is not an object.');
    expect(e.actual).toBe('plain string error');
  });

  it('thenNothingHappened: events were emitted, or the command failed', () => {
    expect(
      failure(() => {
        given([]).when({ type: 'Add', by: 1 }).thenNothingHappened();
      }).message,
    ).toContain('Expected the command to decide nothing, but it emitted events.');
    expect(
      failure(() => {
        given([]).when({ type: 'Add', by: -1 }).thenNothingHappened();
      }).message,
    ).toContain('Expected the command to decide nothing, but it failed.');
  });

  it('a predicate that throws its own error lets it through unchanged', () => {
    const own = new RangeError('mine');
    expect(() => {
      given([{ type: 'Added', by: 10 }])
        .when({ type: 'Add', by: 1 })
        .thenFails(() => {
          throw own;
        });
    }).toThrow(own);
  });
});

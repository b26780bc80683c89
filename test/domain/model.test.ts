/**
 * Model-based test: random command sequences run against the StreamingSession decider and against a
 * deliberately simple model of the state table (reference §3.2, §3.3), which knows only the state's name,
 * whether an instance was allocated and whether the session may be stopped. Every command's outcome
 * (events or error) must match what the model predicts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  StreamingSession,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
  type StreamingSessionState,
} from 'nimble-streaming-sessions/domain';
import { OTHER_USER, USER, createCommand, launchProfile } from './fixtures.js';

type StateName = StreamingSessionState['state'];

interface Model {
  state: StateName;
  allocated: boolean;
  /** Whether the launch profile the session was created from allows stopping (§4.3). */
  readonly stoppable: boolean;
}

/** The decider under test, holding its state between commands. */
interface Real {
  state: StreamingSessionState;
}

type Expected = { events: StreamingSessionEvent['type'][] } | { error: string };

/** Decides a command on the real decider, folds the events, and checks the model's prediction. */
function step(real: Real, command: StreamingSessionCommand, expected: Expected): void {
  const decided = StreamingSession.decide(command, real.state);
  if ('error' in expected) {
    expect(decided.isErr()).toBe(true);
    expect(decided._unsafeUnwrapErr().code).toBe(expected.error);
    return;
  }
  const events = decided._unsafeUnwrap();
  expect(events.map((e) => e.type)).toStrictEqual(expected.events);
  real.state = events.reduce(StreamingSession.evolve, real.state);
}

/** Every transition the model runs have taken, to show that each row of the table is exercised. */
const visited = new Set<string>();

/** A seed whose 300 runs take every row of the table. */
const SEED = 3;

function sameAsModel(model: Model, real: Real): void {
  expect(real.state.state).toBe(model.state);
  const instanceId = real.state.state === 'NOT_REQUESTED' ? undefined : real.state.instanceId;
  expect(instanceId !== undefined).toBe(model.allocated);
}

const INVALID = 'INVALID_STATE_TRANSITION';
const INSTANCE = 'i-0123456789abcdef0';

/** A create whose launch profile allows stopping (persistence ACTIVATED) or not (the defaults). */
function create(stoppable: boolean) {
  return createCommand({
    facts: { launchProfile: launchProfile(stoppable ? { sessionPersistenceMode: 'ACTIVATED' } : {}) },
  });
}

class Create implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    if (model.state === 'NOT_REQUESTED') {
      step(real, create(model.stoppable), { events: ['SessionRequested'] });
      move(model, 'CREATE_IN_PROGRESS');
    } else {
      step(real, create(model.stoppable), { error: 'SESSION_ALREADY_EXISTS' });
    }
    sameAsModel(model, real);
  }
  toString = () => 'Create';
}

class Allocate implements fc.Command<Model, Real> {
  constructor(readonly now: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const command = { type: 'RecordInstanceAllocated', instanceId: INSTANCE, now: this.now } as const;
    if (model.allocated) {
      step(real, command, { events: [] });
    } else if (model.state === 'CREATE_IN_PROGRESS') {
      step(real, command, { events: ['InstanceAllocated'] });
      model.allocated = true;
    } else {
      step(real, command, { error: INVALID });
    }
    sameAsModel(model, real);
  }
  toString = () => `Allocate(${this.now})`;
}

/** Another instance than the one the model allocates: always refused once it could no longer be the first. */
class AllocateOther implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => !(model.state === 'CREATE_IN_PROGRESS' && !model.allocated);
  run(model: Model, real: Real): void {
    const command = { type: 'RecordInstanceAllocated', instanceId: 'i-other', now: 0 } as const;
    const code = model.state === 'CREATE_IN_PROGRESS' ? 'INSTANCE_ALREADY_ALLOCATED' : INVALID;
    step(real, command, { error: code });
    sameAsModel(model, real);
  }
  toString = () => 'AllocateOther';
}

class MarkReady implements fc.Command<Model, Real> {
  constructor(readonly now: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const command = { type: 'MarkSessionReady', now: this.now } as const;
    if (model.state === 'READY') {
      step(real, command, { events: [] });
    } else if (model.state === 'CREATE_IN_PROGRESS' && model.allocated) {
      step(real, command, { events: ['SessionReady'] });
      move(model, 'READY');
    } else {
      step(real, command, { error: INVALID });
    }
    sameAsModel(model, real);
  }
  toString = () => `MarkReady(${this.now})`;
}

class Fail implements fc.Command<Model, Real> {
  constructor(readonly now: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const command = {
      type: 'FailSessionCreate',
      statusCode: 'INSUFFICIENT_CAPACITY',
      statusMessage: 'none left',
      now: this.now,
    } as const;
    if (model.state === 'CREATE_FAILED') {
      step(real, command, { events: [] });
    } else if (model.state === 'CREATE_IN_PROGRESS') {
      step(real, command, { events: ['SessionCreateFailed'] });
      move(model, 'CREATE_FAILED');
    } else {
      step(real, command, { error: INVALID });
    }
    sameAsModel(model, real);
  }
  toString = () => `Fail(${this.now})`;
}

const IN_PROGRESS: readonly StateName[] = [
  'CREATE_IN_PROGRESS',
  'STOP_IN_PROGRESS',
  'START_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
];

/** Moves the model, recording the transition. */
function move(model: Model, to: StateName): void {
  visited.add(`${model.state}->${to}`);
  model.state = to;
}

/**
 * Stop, Start and Delete asked for by the owner: the §3.3 rules, in the model's own terms. `from` are the
 * states the operation leads out of, `already` those where it is under way.
 */
class Request implements fc.Command<Model, Real> {
  constructor(
    readonly operation: 'Stop' | 'Start' | 'Delete',
    readonly now: number,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const caller = { principalId: USER, kind: 'STUDIO_USER' } as const;
    const rules = {
      Stop: {
        command: { type: 'RequestStop', now: this.now, caller, callerIsStudioAdmin: false },
        from: ['READY'],
        already: ['STOP_IN_PROGRESS'],
        event: 'StopRequested',
        to: 'STOP_IN_PROGRESS',
      },
      Start: {
        command: {
          type: 'RequestStart',
          now: this.now,
          caller,
          callerIsStudioAdmin: false,
          callerIsLaunchProfileMember: true,
        },
        from: ['STOPPED'],
        already: ['START_IN_PROGRESS'],
        event: 'StartRequested',
        to: 'START_IN_PROGRESS',
      },
      Delete: {
        command: { type: 'RequestDelete', now: this.now, caller, callerIsStudioAdmin: false },
        from: ['READY', 'STOPPED', 'CREATE_FAILED', 'STOP_FAILED', 'START_FAILED', 'DELETE_FAILED'],
        already: ['DELETE_IN_PROGRESS', 'DELETED'],
        event: 'DeleteRequested',
        to: 'DELETE_IN_PROGRESS',
      },
    } as const satisfies Record<
      string,
      {
        command: StreamingSessionCommand;
        from: readonly StateName[];
        already: readonly StateName[];
        event: StreamingSessionEvent['type'];
        to: StateName;
      }
    >;
    const rule = rules[this.operation];
    const state = model.state;
    if (state === 'NOT_REQUESTED') {
      step(real, rule.command, { error: INVALID });
    } else if ((rule.already as readonly StateName[]).includes(state)) {
      step(real, rule.command, { events: [] });
    } else if ((rule.from as readonly StateName[]).includes(state)) {
      if (this.operation === 'Stop' && !model.stoppable) {
        step(real, rule.command, { error: 'STOP_NOT_ALLOWED' });
      } else {
        step(real, rule.command, { events: [rule.event] });
        move(model, rule.to);
      }
    } else if (IN_PROGRESS.includes(state)) {
      step(real, rule.command, { error: 'ANOTHER_OPERATION_IN_PROGRESS' });
    } else {
      step(real, rule.command, { error: 'INVALID_SESSION_STATE' });
    }
    sameAsModel(model, real);
  }
  toString = () => `Request${this.operation}(${this.now})`;
}

/** A worker's outcome: accepted in the `*_IN_PROGRESS` state, nothing when repeated, refused otherwise. */
class Outcome implements fc.Command<Model, Real> {
  constructor(
    readonly outcome:
      'CompleteStop' | 'FailStop' | 'CompleteStart' | 'FailStart' | 'CompleteDelete' | 'FailDelete',
    readonly now: number,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const table = {
      CompleteStop: ['STOP_IN_PROGRESS', 'STOPPED', 'SessionStopped'],
      FailStop: ['STOP_IN_PROGRESS', 'STOP_FAILED', 'StopFailed'],
      CompleteStart: ['START_IN_PROGRESS', 'READY', 'SessionStarted'],
      FailStart: ['START_IN_PROGRESS', 'START_FAILED', 'StartFailed'],
      CompleteDelete: ['DELETE_IN_PROGRESS', 'DELETED', 'SessionDeleted'],
      FailDelete: ['DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DeleteFailed'],
    } as const;
    const [from, to, event] = table[this.outcome];
    const failure = { statusMessage: 'x', now: this.now };
    const command: StreamingSessionCommand =
      this.outcome === 'FailStop' || this.outcome === 'FailDelete'
        ? { type: this.outcome, statusCode: 'INTERNAL_ERROR', ...failure }
        : this.outcome === 'FailStart'
          ? { type: this.outcome, statusCode: 'INSUFFICIENT_CAPACITY', ...failure }
          : { type: this.outcome, now: this.now };
    if (model.state === to) {
      step(real, command, { events: [] });
    } else if (model.state === from) {
      step(real, command, { events: [event] });
      move(model, to);
    } else {
      step(real, command, { error: INVALID });
    }
    sameAsModel(model, real);
  }
  toString = () => `${this.outcome}(${this.now})`;
}

/** Another studio user, neither owner nor creator nor admin, is refused before any state rule. */
class StrangerDelete implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    const command = {
      type: 'RequestDelete',
      now: 0,
      caller: { principalId: OTHER_USER, kind: 'STUDIO_USER' },
      callerIsStudioAdmin: false,
    } as const;
    step(real, command, { error: model.state === 'NOT_REQUESTED' ? INVALID : 'NOT_SESSION_OWNER' });
    sameAsModel(model, real);
  }
  toString = () => 'StrangerDelete';
}

describe('StreamingSession against a model of the state table', () => {
  /** Random command sequences, on a session whose profile allows stopping or not. */
  function checkAgainstModel(parameters: fc.Parameters<[boolean, Iterable<fc.Command<Model, Real>>]>): void {
    const now = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2025, 0, 1) });
    const commands = fc.commands(
      [
        fc.constant(new Create()),
        now.map((t) => new Allocate(t)),
        fc.constant(new AllocateOther()),
        now.map((t) => new MarkReady(t)),
        now.map((t) => new Fail(t)),
        // One entry per operation and per outcome, so that long lawful walks through the table are common.
        ...(['Stop', 'Start', 'Delete'] as const).map((operation) =>
          now.map((t) => new Request(operation, t)),
        ),
        ...(
          ['CompleteStop', 'FailStop', 'CompleteStart', 'FailStart', 'CompleteDelete', 'FailDelete'] as const
        ).map((outcome) => now.map((t) => new Outcome(outcome, t))),
        fc.constant(new StrangerDelete()),
      ],
      { maxCommands: 200, size: 'max' },
    );
    fc.assert(
      fc.property(fc.boolean(), commands, (stoppable, cmds) => {
        fc.modelRun(
          () => ({
            model: { state: 'NOT_REQUESTED', allocated: false, stoppable } satisfies Model,
            real: { state: StreamingSession.initialState },
          }),
          cmds,
        );
      }),
      parameters,
    );
  }

  it('agrees with the model on every command outcome and state, for any command sequence', () => {
    checkAgainstModel({ numRuns: 300 });
  });

  it('takes every row of the §3.2 table (a fixed seed, so this coverage check is stable)', () => {
    visited.clear();
    checkAgainstModel({ numRuns: 300, seed: SEED });
    expect([...visited].sort()).toStrictEqual(
      [
        'NOT_REQUESTED->CREATE_IN_PROGRESS',
        'CREATE_IN_PROGRESS->READY',
        'CREATE_IN_PROGRESS->CREATE_FAILED',
        'READY->STOP_IN_PROGRESS',
        'STOP_IN_PROGRESS->STOPPED',
        'STOP_IN_PROGRESS->STOP_FAILED',
        'STOPPED->START_IN_PROGRESS',
        'START_IN_PROGRESS->READY',
        'START_IN_PROGRESS->START_FAILED',
        'READY->DELETE_IN_PROGRESS',
        'STOPPED->DELETE_IN_PROGRESS',
        'CREATE_FAILED->DELETE_IN_PROGRESS',
        'STOP_FAILED->DELETE_IN_PROGRESS',
        'START_FAILED->DELETE_IN_PROGRESS',
        'DELETE_FAILED->DELETE_IN_PROGRESS',
        'DELETE_IN_PROGRESS->DELETED',
        'DELETE_IN_PROGRESS->DELETE_FAILED',
      ].sort(),
    );
  });
});

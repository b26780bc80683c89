/**
 * Model-based test: random command sequences run against the StreamingSession decider and against a
 * deliberately simple model of the create-phase state table, which knows only the state's name and whether
 * an instance was allocated. Every command's outcome (events or error) must match what the model predicts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  StreamingSession,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
  type StreamingSessionState,
} from 'nimble-streaming-sessions';
import { createCommand } from './fixtures.js';

type StateName = 'NOT_REQUESTED' | 'CREATE_IN_PROGRESS' | 'READY' | 'CREATE_FAILED';

interface Model {
  state: StateName;
  allocated: boolean;
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

function sameAsModel(model: Model, real: Real): void {
  expect(real.state.state).toBe(model.state);
  const instanceId = real.state.state === 'NOT_REQUESTED' ? undefined : real.state.instanceId;
  expect(instanceId !== undefined).toBe(model.allocated);
}

const INVALID = 'INVALID_STATE_TRANSITION';
const INSTANCE = 'i-0123456789abcdef0';

class Create implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    if (model.state === 'NOT_REQUESTED') {
      step(real, createCommand(), { events: ['SessionRequested'] });
      model.state = 'CREATE_IN_PROGRESS';
    } else {
      step(real, createCommand(), { error: 'SESSION_ALREADY_EXISTS' });
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
      model.state = 'READY';
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
      model.state = 'CREATE_FAILED';
    } else {
      step(real, command, { error: INVALID });
    }
    sameAsModel(model, real);
  }
  toString = () => `Fail(${this.now})`;
}

describe('StreamingSession against a model of the create-phase state table', () => {
  it('agrees with the model on every command outcome and state, for any command sequence', () => {
    const now = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2025, 0, 1) });
    const commands = fc.commands(
      [
        fc.constant(new Create()),
        now.map((t) => new Allocate(t)),
        fc.constant(new AllocateOther()),
        now.map((t) => new MarkReady(t)),
        now.map((t) => new Fail(t)),
      ],
      { maxCommands: 25 },
    );
    fc.assert(
      fc.property(commands, (cmds) => {
        fc.modelRun(
          () => ({
            model: { state: 'NOT_REQUESTED', allocated: false } satisfies Model,
            real: { state: StreamingSession.initialState },
          }),
          cmds,
        );
      }),
      { numRuns: 1000 },
    );
  });
});

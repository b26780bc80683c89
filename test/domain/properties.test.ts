import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CREATE_FAILURE_STATUS_CODES,
  QuotaLedger,
  RESOURCE_STATES,
  STREAMING_INSTANCE_TYPES,
  STREAMING_SESSION_STATES,
  STREAMING_SESSION_STATUS_CODES,
  StreamingSession,
  initialLedgerState,
  replay,
  toStreamingSessionView,
  type CreateStreamingSession,
  type QuotaLedgerCommand,
  type QuotaLedgerState,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
  type StreamingSessionState,
} from 'nimble-streaming-sessions';
import {
  ID_PATTERNS,
  STOP_ALLOWED_BY_ROW,
  arbCreateWorld,
  arbInstant,
  arbQuotaLimits,
  arbSessionEvents,
  arbSessionSlot,
  type CreateWorld,
} from 'nimble-streaming-sessions/testing';

const numRuns = 1000;

/** The §3.2 transitions that exist while only the create phase is built (besides staying put). */
const LEGAL_TRANSITIONS: ReadonlySet<string> = new Set([
  'NOT_REQUESTED->CREATE_IN_PROGRESS',
  'CREATE_IN_PROGRESS->READY',
  'CREATE_IN_PROGRESS->CREATE_FAILED',
]);

/** The event that causes each legal transition. */
const CAUSE: Readonly<Record<string, StreamingSessionEvent['type']>> = {
  'NOT_REQUESTED->CREATE_IN_PROGRESS': 'SessionRequested',
  'CREATE_IN_PROGRESS->READY': 'SessionReady',
  'CREATE_IN_PROGRESS->CREATE_FAILED': 'SessionCreateFailed',
};

const INSTANCE_IDS = ['i-0123456789abcdef0', 'i-0fedcba9876543210'] as const;

/** The provisioning commands, with times and values drawn freely. */
function arbProvisioningCommand(): fc.Arbitrary<StreamingSessionCommand> {
  return fc.oneof(
    fc.record({
      type: fc.constant('RecordInstanceAllocated' as const),
      instanceId: fc.constantFrom(...INSTANCE_IDS),
      now: arbInstant(),
    }),
    fc.record({ type: fc.constant('MarkSessionReady' as const), now: arbInstant() }),
    fc.record({
      type: fc.constant('FailSessionCreate' as const),
      statusCode: fc.constantFrom(...CREATE_FAILURE_STATUS_CODES),
      statusMessage: fc.string({ maxLength: 20 }),
      now: arbInstant(),
    }),
  );
}

/**
 * A world's create with some facts disturbed (resource states, memberships, EULAs, requested type and
 * owner), so that every error path of the create decision is visited.
 */
function arbDisturbedCreate(): fc.Arbitrary<CreateStreamingSession> {
  return fc
    .tuple(
      arbCreateWorld(),
      fc.record(
        {
          studioState: fc.constantFrom(...RESOURCE_STATES),
          profileState: fc.constantFrom(...RESOURCE_STATES),
          imageState: fc.constantFrom(...RESOURCE_STATES),
          callerAdmin: fc.boolean(),
          callerMember: fc.boolean(),
          ownerAdmin: fc.boolean(),
          ownerMember: fc.boolean(),
          noEulas: fc.constant(true),
          ec2InstanceType: fc.constantFrom(...STREAMING_INSTANCE_TYPES),
          ownedBy: fc.constantFrom('someone-else', '__proto__'),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([{ command }, d]) => {
      const { facts, request } = command;
      return {
        ...command,
        request: {
          ...request,
          ...(d.ec2InstanceType === undefined ? {} : { ec2InstanceType: d.ec2InstanceType }),
          ...(d.ownedBy === undefined ? {} : { ownedBy: d.ownedBy }),
        },
        facts: {
          ...facts,
          studio: d.studioState === undefined ? facts.studio : { ...facts.studio!, state: d.studioState },
          launchProfile:
            d.profileState === undefined
              ? facts.launchProfile
              : { ...facts.launchProfile!, state: d.profileState },
          streamingImage:
            d.imageState === undefined
              ? facts.streamingImage
              : { ...facts.streamingImage!, state: d.imageState },
          acceptedEulaIds: d.noEulas === undefined ? facts.acceptedEulaIds : [],
          caller: {
            isStudioAdmin: d.callerAdmin ?? facts.caller.isStudioAdmin,
            isLaunchProfileMember: d.callerMember ?? facts.caller.isLaunchProfileMember,
          },
          owner: {
            isStudioAdmin: d.ownerAdmin ?? facts.owner.isStudioAdmin,
            isLaunchProfileMember: d.ownerMember ?? facts.owner.isLaunchProfileMember,
          },
        },
      };
    });
}

/** Runs commands through decide and evolve, as an application would; returns every state and event seen. */
function run(commands: readonly StreamingSessionCommand[]): {
  states: StreamingSessionState[];
  events: StreamingSessionEvent[];
} {
  let state = StreamingSession.initialState;
  const states = [state];
  const events: StreamingSessionEvent[] = [];
  for (const command of commands) {
    const decided = StreamingSession.decide(command, state);
    if (decided.isOk()) {
      for (const event of decided.value) {
        state = StreamingSession.evolve(state, event);
        events.push(event);
        states.push(state);
      }
    }
  }
  return { states, events };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function expectConsistentStatus(state: StreamingSessionState): void {
  switch (state.state) {
    case 'NOT_REQUESTED':
      return;
    case 'CREATE_IN_PROGRESS':
      expect(state.statusCode).toBe('STREAMING_SESSION_CREATE_IN_PROGRESS');
      return;
    case 'READY':
      expect(state.statusCode).toBe('STREAMING_SESSION_READY');
      expect(state.instanceId).toBeDefined();
      return;
    case 'CREATE_FAILED':
      expect(CREATE_FAILURE_STATUS_CODES).toContain(state.statusCode);
      return;
  }
}

describe('properties of the session state rules (reference §3.2)', () => {
  it('only the §3.2 transitions occur, each caused by its event, over arbitrary event sequences', () => {
    fc.assert(
      fc.property(arbSessionEvents({ maxLength: 16 }), (events) => {
        let state = StreamingSession.initialState;
        for (const event of events) {
          const next = StreamingSession.evolve(state, event);
          if (next.state !== state.state) {
            const transition = `${state.state}->${next.state}`;
            expect(LEGAL_TRANSITIONS.has(transition), transition).toBe(true);
            expect(event.type).toBe(CAUSE[transition]);
          }
          expectConsistentStatus(next);
          state = next;
        }
      }),
      { numRuns },
    );
  });

  it('only the §3.2 transitions occur when commands go through decide', () => {
    fc.assert(
      fc.property(
        arbCreateWorld(),
        fc.array(fc.oneof(arbProvisioningCommand(), fc.constant('create' as const)), { maxLength: 12 }),
        (world, script) => {
          const commands = script.map((c) => (c === 'create' ? world.command : c));
          const { states } = run([world.command, ...commands]);
          for (let i = 1; i < states.length; i++) {
            const from = states[i - 1]!.state;
            const to = states[i]!.state;
            if (from !== to) expect(LEGAL_TRANSITIONS.has(`${from}->${to}`), `${from}->${to}`).toBe(true);
          }
          expect(states[1]!.state).toBe('CREATE_IN_PROGRESS');
        },
      ),
      { numRuns },
    );
  });

  it('terminal states absorb every event and decide no event for any command', () => {
    fc.assert(
      fc.property(
        arbSessionEvents({ maxLength: 10 })
          .map((events) => replay(StreamingSession, events))
          .filter((state) => StreamingSession.isTerminal(state)),
        arbSessionEvents({ maxLength: 10 }),
        fc.array(arbProvisioningCommand(), { maxLength: 5 }),
        arbDisturbedCreate(),
        (state, after, commands, create) => {
          const sameSession = after.map((e) => ({ ...e, data: { ...e.data, sessionId: 'whatever' } }));
          for (const event of [...after, ...(sameSession as StreamingSessionEvent[])]) {
            expect(StreamingSession.evolve(state, event)).toBe(state);
          }
          for (const command of [...commands, create]) {
            const decided = StreamingSession.decide(command, state);
            if (decided.isOk()) expect(decided.value).toStrictEqual([]);
          }
        },
      ),
      { numRuns },
    );
  });

  it('terminal states are reached, so the absorption property is not vacuous', () => {
    const samples = fc.sample(arbSessionEvents({ maxLength: 10 }), { numRuns: 2000, seed: 42 });
    const terminal = samples.filter((events) =>
      StreamingSession.isTerminal(replay(StreamingSession, events)),
    );
    expect(terminal.length).toBeGreaterThan(50);
  });

  it('evolve is total: it never throws, and always returns a state of the union', () => {
    const names = new Set<string>(['NOT_REQUESTED', ...STREAMING_SESSION_STATES]);
    fc.assert(
      fc.property(arbSessionEvents({ maxLength: 20 }), (events) => {
        const state = replay(StreamingSession, events);
        expect(names.has(state.state)).toBe(true);
      }),
      { numRuns },
    );
  });

  it('evolve is total even for an event type it does not know (written by a newer version)', () => {
    fc.assert(
      fc.property(arbSessionEvents({ maxLength: 6 }), fc.string(), (events, type) => {
        fc.pre(
          !['SessionRequested', 'InstanceAllocated', 'SessionReady', 'SessionCreateFailed'].includes(type),
        );
        const state = replay(StreamingSession, events);
        const unknown = { type, version: 1, data: {} } as unknown as StreamingSessionEvent;
        expect(StreamingSession.evolve(state, unknown)).toBe(state);
      }),
      { numRuns },
    );
  });

  it('decide is deterministic and pure: equal inputs give equal results, and inputs are not mutated', () => {
    fc.assert(
      fc.property(
        arbSessionEvents({ maxLength: 8 }),
        fc.oneof(arbProvisioningCommand(), arbDisturbedCreate()),
        (events, command) => {
          const state = deepFreeze(replay(StreamingSession, events));
          const frozen = deepFreeze(command);
          const first = StreamingSession.decide(frozen, state);
          const second = StreamingSession.decide(structuredClone(frozen), structuredClone(state));
          expect(second).toStrictEqual(first);
        },
      ),
      { numRuns },
    );
  });
});

describe('properties of the quota ledger', () => {
  const owners = ['alice', 'bob', 'constructor', '__proto__', 'toString'];
  const arbLedgerCommand = (limitsArb: ReturnType<typeof arbQuotaLimits>) =>
    fc.oneof(
      fc
        .tuple(arbSessionSlot({ owners, sessionIds: ['s1', 's2', 's3'] }), limitsArb)
        .map(([slot, limits]): QuotaLedgerCommand => ({ type: 'ReserveSessionSlot', slot, limits })),
      arbSessionSlot({ owners, sessionIds: ['s1', 's2', 's3'] }).map((slot): QuotaLedgerCommand => ({
        type: 'ReleaseSessionSlot',
        slot,
      })),
    );

  function expectWithin(
    state: QuotaLedgerState,
    limits: ReturnType<typeof arbQuotaLimits> extends fc.Arbitrary<infer L> ? L : never,
  ) {
    expect(state.total).toBeLessThanOrEqual(limits.maxSessions);
    for (const [family, limit] of Object.entries(limits.maxSessionsPerInstanceFamily)) {
      expect(
        Object.hasOwn(state.byInstanceFamily, family) ? state.byInstanceFamily[family] : 0,
      ).toBeLessThanOrEqual(limit);
    }
    if (limits.maxSessionsPerOwner !== undefined) {
      for (const count of Object.values(state.byOwner))
        expect(count).toBeLessThanOrEqual(limits.maxSessionsPerOwner);
    }
  }

  it('never exceeds any limit, for any sequence of reservations and releases', () => {
    fc.assert(
      fc.property(
        arbQuotaLimits().chain((limits) =>
          fc.tuple(fc.constant(limits), fc.array(arbLedgerCommand(fc.constant(limits)), { maxLength: 40 })),
        ),
        ([limits, commands]) => {
          let state = initialLedgerState;
          let accepted = 0;
          for (const command of commands) {
            const decided = QuotaLedger.decide(command, state);
            if (decided.isErr()) {
              const expectedType =
                command.type === 'ReserveSessionSlot' ? 'ServiceQuotaExceededException' : 'ConflictException';
              expect(decided.error.type).toBe(expectedType);
              continue;
            }
            state = decided.value.reduce(QuotaLedger.evolve, state);
            accepted += command.type === 'ReserveSessionSlot' ? 1 : -1;
            expectWithin(state, limits);
          }
          const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);
          expect(state.total).toBe(accepted);
          expect(sum(state.byInstanceFamily)).toBe(state.total);
          expect(sum(state.byOwner)).toBe(state.total);
          for (const count of [...Object.values(state.byInstanceFamily), ...Object.values(state.byOwner)]) {
            expect(count).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns },
    );
  });
});

describe('properties of the view (the API constraints)', () => {
  const ISO = ID_PATTERNS.timestamp;

  function maxLengthOf(world: CreateWorld): number {
    return world.launchProfile.streamConfiguration.maxSessionLengthInMinutes ?? 690;
  }

  it('always satisfies the API: enums, timestamps, one deadline per §4.3 row at createdAt + maxSessionLength', () => {
    const arn = { partition: 'aws', account: '123456789012', defaultRegion: 'us-east-1' };
    fc.assert(
      fc.property(
        arbCreateWorld(),
        fc.array(arbProvisioningCommand(), { maxLength: 6 }),
        (world, commands) => {
          const { states } = run([world.command, ...commands]);
          for (const state of states) {
            if (state.state === 'NOT_REQUESTED') continue;
            const view = toStreamingSessionView(state, arn);
            expect(STREAMING_SESSION_STATES).toContain(view.state);
            expect(STREAMING_SESSION_STATUS_CODES).toContain(view.statusCode);
            expect(['ACTIVATED', 'DEACTIVATED']).toContain(view.sessionPersistenceMode);
            expect(['ACTIVATED', 'DEACTIVATED']).toContain(view.automaticTerminationMode);
            expect(['AUTOMATIC', 'DEACTIVATED']).toContain(view.backupMode);
            expect(Number.isInteger(view.maxBackupsToRetain)).toBe(true);
            expect(view.maxBackupsToRetain).toBeGreaterThanOrEqual(0);
            expect(view.maxBackupsToRetain).toBeLessThanOrEqual(10);
            expect(STREAMING_INSTANCE_TYPES).toContain(view.ec2InstanceType);
            expect(view.streamingImageId).toMatch(/^[a-zA-Z0-9-_]{0,22}$/);
            expect(view.arn).toBe(
              `arn:aws:nimble:${world.studio.studioId.split(':')[0]!}:123456789012:streaming-session/${view.sessionId}`,
            );
            expect(view.createdAt).toMatch(ISO);
            expect(view.updatedAt).toMatch(ISO);
            const stop = STOP_ALLOWED_BY_ROW[world.stopRule];
            const deadline = stop ? view.stopAt : view.terminateAt;
            expect(stop ? view.terminateAt : view.stopAt).toBeUndefined();
            expect(deadline).toMatch(ISO);
            expect(Date.parse(deadline!) - Date.parse(view.createdAt)).toBe(maxLengthOf(world) * 60_000);
            expect(Date.parse(view.createdAt)).toBe(Math.floor(world.command.now / 1000) * 1000);
            expect(view.volumeConfiguration !== undefined).toBe(view.sessionPersistenceMode === 'ACTIVATED');
            expect(Object.keys(view.tags).length).toBeLessThanOrEqual(50);
          }
        },
      ),
      { numRuns },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CREATE_FAILURE_STATUS_CODES,
  STREAMING_SESSION_EVENT_TYPES,
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
} from 'nimble-streaming-sessions/domain';
import {
  ID_PATTERNS,
  STOP_ALLOWED_BY_ROW,
  arbCreateWorld,
  arbInstant,
  arbQuotaLimits,
  arbSessionEvents,
  arbSessionHistory,
  arbSessionSlot,
  type CreateWorld,
} from 'nimble-streaming-sessions/testing';
// Names the public entry (src/index.ts) does not list yet come from the domain's barrel.
import {
  DELETE_FAILURE_STATUS_CODES,
  START_FAILURE_STATUS_CODES,
  STOP_FAILURE_STATUS_CODES,
} from '../../src/domain/index.js';
import { BACKUP_IDS } from '../../src/testing/arbitraries.js';

const numRuns = 1000;

/** The §3.2 transitions (besides staying put), each with the event that causes it. */
const CAUSE: Readonly<Record<string, StreamingSessionEvent['type']>> = {
  'NOT_REQUESTED->CREATE_IN_PROGRESS': 'SessionRequested',
  'CREATE_IN_PROGRESS->READY': 'SessionReady',
  'CREATE_IN_PROGRESS->CREATE_FAILED': 'SessionCreateFailed',
  'READY->STOP_IN_PROGRESS': 'StopRequested',
  'STOP_IN_PROGRESS->STOPPED': 'SessionStopped',
  'STOP_IN_PROGRESS->STOP_FAILED': 'StopFailed',
  'STOPPED->START_IN_PROGRESS': 'StartRequested',
  'START_IN_PROGRESS->READY': 'SessionStarted',
  'START_IN_PROGRESS->START_FAILED': 'StartFailed',
  'READY->DELETE_IN_PROGRESS': 'DeleteRequested',
  'STOPPED->DELETE_IN_PROGRESS': 'DeleteRequested',
  'CREATE_FAILED->DELETE_IN_PROGRESS': 'DeleteRequested',
  'STOP_FAILED->DELETE_IN_PROGRESS': 'DeleteRequested',
  'START_FAILED->DELETE_IN_PROGRESS': 'DeleteRequested',
  'DELETE_FAILED->DELETE_IN_PROGRESS': 'DeleteRequested',
  'DELETE_IN_PROGRESS->DELETED': 'SessionDeleted',
  'DELETE_IN_PROGRESS->DELETE_FAILED': 'DeleteFailed',
};

const LEGAL_TRANSITIONS: ReadonlySet<string> = new Set(Object.keys(CAUSE));

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
 * Who asks for a Stop or Delete: a caller drawn from a pool that holds the owner of `world` sessions or
 * not, admin or not, IAM or not; or the service itself.
 */
function arbRequester(principals: readonly string[]) {
  return fc.oneof(
    fc.record({
      caller: fc.record({
        principalId: fc.constantFrom(...principals),
        kind: fc.constantFrom('STUDIO_USER' as const, 'IAM' as const),
      }),
      callerIsStudioAdmin: fc.boolean(),
    }),
    fc.constant({ automatic: true as const }),
  );
}

/** Stop, Start and Delete requests and their workers' outcomes, with times and callers drawn freely. */
function arbLifecycleCommand(
  principals: readonly string[] = ['someone'],
): fc.Arbitrary<StreamingSessionCommand> {
  const now = arbInstant();
  const message = fc.string({ maxLength: 20 });
  return fc.oneof(
    fc
      .tuple(now, arbRequester(principals), fc.option(fc.constantFrom('RETAIN' as const, 'DELETE' as const)))
      .map(([t, who, mode]): StreamingSessionCommand => ({
        type: 'RequestStop',
        now: t,
        ...who,
        ...(mode === null ? {} : { volumeRetentionMode: mode }),
      })),
    fc
      .tuple(now, fc.option(fc.constantFrom(...BACKUP_IDS), { nil: undefined }))
      .map(([t, backupId]): StreamingSessionCommand => ({
        type: 'CompleteStop',
        now: t,
        ...(backupId === undefined ? {} : { backupId }),
      })),
    fc.record({
      type: fc.constant('FailStop' as const),
      statusCode: fc.constantFrom(...STOP_FAILURE_STATUS_CODES),
      statusMessage: message,
      now,
    }),
    fc
      .tuple(
        now,
        fc.constantFrom(...principals),
        fc.constantFrom('STUDIO_USER' as const, 'IAM' as const),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.constantFrom(...BACKUP_IDS), { nil: undefined }),
      )
      .map(([t, principalId, kind, admin, member, backupId]): StreamingSessionCommand => ({
        type: 'RequestStart',
        now: t,
        caller: { principalId, kind },
        callerIsStudioAdmin: admin,
        callerIsLaunchProfileMember: member,
        ...(backupId === undefined ? {} : { backupId }),
      })),
    fc.record({ type: fc.constant('CompleteStart' as const), now }),
    fc.record({
      type: fc.constant('FailStart' as const),
      statusCode: fc.constantFrom(...START_FAILURE_STATUS_CODES),
      statusMessage: message,
      now,
    }),
    fc
      .tuple(now, arbRequester(principals))
      .map(([t, who]): StreamingSessionCommand => ({ type: 'RequestDelete', now: t, ...who })),
    fc.record({ type: fc.constant('CompleteDelete' as const), now }),
    fc.record({
      type: fc.constant('FailDelete' as const),
      statusCode: fc.constantFrom(...DELETE_FAILURE_STATUS_CODES),
      statusMessage: message,
      now,
    }),
  );
}

/** Any command but a create. */
function arbSessionCommand(principals?: readonly string[]): fc.Arbitrary<StreamingSessionCommand> {
  return fc.oneof(arbProvisioningCommand(), arbLifecycleCommand(principals));
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
      expect(['STREAMING_SESSION_READY', 'STREAMING_SESSION_STARTED']).toContain(state.statusCode);
      expect(state.instanceId).toBeDefined();
      return;
    case 'CREATE_FAILED':
      expect(CREATE_FAILURE_STATUS_CODES).toContain(state.statusCode);
      return;
    case 'STOP_IN_PROGRESS':
      expect(state.statusCode).toBe('STREAMING_SESSION_STOP_IN_PROGRESS');
      return;
    case 'STOPPED':
      expect(state.statusCode).toBe('STREAMING_SESSION_STOPPED');
      return;
    case 'STOP_FAILED':
      expect(STOP_FAILURE_STATUS_CODES).toContain(state.statusCode);
      return;
    case 'START_IN_PROGRESS':
      expect(state.statusCode).toBe('STREAMING_SESSION_START_IN_PROGRESS');
      return;
    case 'START_FAILED':
      expect(START_FAILURE_STATUS_CODES).toContain(state.statusCode);
      return;
    case 'DELETE_IN_PROGRESS':
      expect(state.statusCode).toBe('STREAMING_SESSION_DELETE_IN_PROGRESS');
      return;
    case 'DELETE_FAILED':
      expect(DELETE_FAILURE_STATUS_CODES).toContain(state.statusCode);
      return;
    case 'DELETED':
      expect(state.statusCode).toBe('STREAMING_SESSION_DELETED');
      return;
  }
}

/** Extends a legal history so that it ends DELETED, by the shortest legal path. */
function toDeleted(history: readonly StreamingSessionEvent[]): StreamingSessionEvent[] {
  const events = [...history];
  const sessionId = events[0]!.data.sessionId;
  const t = 1_700_000_000_000;
  const fail = { sessionId, statusCode: 'INTERNAL_ERROR', statusMessage: 'x', failedAt: t } as const;
  let state = replay(StreamingSession, events);
  const push = (event: StreamingSessionEvent) => {
    events.push(event);
    state = StreamingSession.evolve(state, event);
  };
  if (state.state === 'CREATE_IN_PROGRESS') push({ type: 'SessionCreateFailed', version: 1, data: fail });
  if (state.state === 'STOP_IN_PROGRESS') push({ type: 'StopFailed', version: 1, data: fail });
  if (state.state === 'START_IN_PROGRESS') push({ type: 'StartFailed', version: 1, data: fail });
  if (state.state !== 'DELETE_IN_PROGRESS' && state.state !== 'DELETED') {
    const data = { sessionId, requestedAt: t, requestedBy: 'x', automatic: false };
    push({ type: 'DeleteRequested', version: 1, data });
  }
  if (state.state === 'DELETE_IN_PROGRESS') {
    const data = { sessionId, deletedAt: t, ec2InstanceType: 'g4dn.xlarge', ownedBy: 'x' };
    push({ type: 'SessionDeleted', version: 1, data });
  }
  return events;
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
    const visited = new Set<string>();
    fc.assert(
      fc.property(
        arbCreateWorld(),
        fc.array(
          fc.oneof(
            arbSessionCommand(['owner', 'someone-else']),
            arbSessionCommand(['owner']),
            fc.constant('create' as const),
          ),
          { maxLength: 30 },
        ),
        (world, script) => {
          const owner = world.command.request.ownedBy ?? world.command.caller.principalId;
          // 'owner' in the pool stands for the session's owner, so that requests get past authority.
          const commands = script.map((c) => {
            if (c === 'create') return world.command;
            if ('caller' in c && c.caller.principalId === 'owner') {
              return { ...c, caller: { ...c.caller, principalId: owner } };
            }
            return c;
          });
          const { states } = run([world.command, ...commands]);
          for (let i = 1; i < states.length; i++) {
            const from = states[i - 1]!;
            const to = states[i]!;
            if (from.state !== to.state) {
              expect(LEGAL_TRANSITIONS.has(`${from.state}->${to.state}`), `${from.state}->${to.state}`).toBe(
                true,
              );
              visited.add(`${from.state}->${to.state}`);
            }
            expectConsistentStatus(to);
            if (from.state !== 'NOT_REQUESTED' && to.state !== 'NOT_REQUESTED') {
              expect(to.updatedAt).toBeGreaterThanOrEqual(from.updatedAt);
            }
          }
          expect(states[1]!.state).toBe('CREATE_IN_PROGRESS');
        },
      ),
      { numRuns },
    );
    // Runs reach past the create phase, so the property is not vacuous (the model test covers every row).
    expect(visited.size).toBeGreaterThanOrEqual(5);
  });

  it('legal histories visit every transition of the table, each caused by its event', () => {
    const visited = new Set<string>();
    fc.assert(
      fc.property(arbSessionHistory({ maxSteps: 12 }), (history) => {
        let state = StreamingSession.initialState;
        for (const event of history) {
          const next = StreamingSession.evolve(state, event);
          const transition = `${state.state}->${next.state}`;
          if (next.state !== state.state) {
            expect(CAUSE[transition]).toBe(event.type);
            visited.add(transition);
          }
          state = next;
        }
      }),
      { numRuns },
    );
    expect([...visited].sort()).toStrictEqual([...LEGAL_TRANSITIONS].sort());
  });

  it('terminal states absorb every event and decide no event for any command', () => {
    fc.assert(
      fc.property(
        arbSessionHistory().map((history) => replay(StreamingSession, toDeleted(history))),
        arbSessionEvents({ maxLength: 10 }),
        fc.array(arbSessionCommand(), { maxLength: 8 }),
        arbDisturbedCreate(),
        (state, after, commands, create) => {
          expect(StreamingSession.isTerminal(state)).toBe(true);
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

  it('DELETED is the only terminal state, and sampled histories reach it', () => {
    const samples = fc.sample(
      fc.oneof(arbSessionEvents({ maxLength: 20 }), arbSessionHistory({ maxSteps: 12 })),
      {
        numRuns: 2000,
        seed: 42,
      },
    );
    const states = samples.map((events) => replay(StreamingSession, events));
    for (const state of states) expect(StreamingSession.isTerminal(state)).toBe(state.state === 'DELETED');
    expect(states.filter((state) => state.state === 'DELETED').length).toBeGreaterThan(0);
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
        fc.pre(!(STREAMING_SESSION_EVENT_TYPES as readonly string[]).includes(type));
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
        fc.oneof(arbSessionEvents({ maxLength: 8 }), arbSessionHistory()),
        fc.oneof(arbSessionCommand(), arbDisturbedCreate()),
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

describe('properties of the view through the lifecycle', () => {
  const arn = { partition: 'aws', account: '123456789012', defaultRegion: 'us-east-1' };

  it('never both deadlines; none once deleting; no stopAt once stopped; every timestamp ISO', () => {
    fc.assert(
      fc.property(arbSessionHistory({ maxSteps: 12 }), (history) => {
        const state = replay(StreamingSession, history);
        if (state.state === 'NOT_REQUESTED') return;
        const view = toStreamingSessionView(state, arn);
        expect(view.stopAt !== undefined && view.terminateAt !== undefined).toBe(false);
        if (['DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETED'].includes(view.state)) {
          expect(view.stopAt ?? view.terminateAt).toBeUndefined();
        }
        if (view.state === 'STOPPED') expect(view.stopAt).toBeUndefined();
        for (const key of [
          'createdAt',
          'updatedAt',
          'startedAt',
          'stoppedAt',
          'stopAt',
          'terminateAt',
        ] as const) {
          if (view[key] !== undefined) expect(view[key]).toMatch(ID_PATTERNS.timestamp);
        }
        expect(STREAMING_SESSION_STATUS_CODES).toContain(view.statusCode);
        expect(view.startedAt !== undefined).toBe(view.startedBy !== undefined);
        expect(view.stoppedAt !== undefined).toBe(view.stoppedBy !== undefined);
      }),
      { numRuns },
    );
  });
});

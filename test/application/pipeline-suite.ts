/**
 * The command pipeline's own specification, on whatever storage the caller assembles, with a decider of
 * its own (a counter) rather than the session's: the pipeline is for any decider. It covers a command on a
 * new stream and on an existing one, a co-committed second stream (as the quota ledger is), a client-token
 * replay, a refusal answered as a replay, and a version conflict that another attempt resolves.
 */
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from 'neverthrow';
import { conflict, validationError, type DomainError } from '../../src/domain/index.js';
import {
  CommandPipeline,
  RETRY,
  type CommandSpec,
  type Contribution,
  type Loaded,
  type Plugin,
} from '../../src/application/pipeline/command-pipeline.js';
import { ExpectedVersion, type EventStore } from '../../src/application/ports/event-store.js';
import { TOKENS } from '../../src/application/tokens.js';
import type { TestService } from './fixtures.js';

type Command = { readonly type: 'Open' } | { readonly type: 'Add'; readonly n: number };
type Event =
  | { readonly type: 'Opened'; readonly version: 1; readonly data: Record<string, never> }
  | { readonly type: 'Added'; readonly version: 1; readonly data: { readonly n: number } };
type State = { readonly opened: false } | { readonly opened: true; readonly total: number };

/** A counter: opened once, then added to; adding a negative number is refused. */
const Counter = {
  decide(command: Command, state: State): Result<readonly Event[], DomainError> {
    if (command.type === 'Open') {
      return state.opened ? err(conflict('ALREADY_OPEN', 'The counter is open.')) : ok([opened()]);
    }
    if (!state.opened) return err(validationError('NOT_OPEN', 'The counter is not open.'));
    if (command.n < 0) return err(validationError('NEGATIVE', 'Only positive numbers are added.'));
    return ok([{ type: 'Added', version: 1, data: { n: command.n } }]);
  },
  evolve(state: State, event: Event): State {
    if (event.type === 'Opened') return { opened: true, total: 0 };
    return state.opened ? { opened: true, total: state.total + event.data.n } : state;
  },
};
const opened = (): Event => ({ type: 'Opened', version: 1, data: {} });
const STUDIO = 'us-west-2:stid-pipeline00000001';
const streamOf = (id: string) => `Counter:${STUDIO}/${id}`;

/** Loads a counter from its events (the pipeline does not care where state comes from). */
function loader(store: EventStore, id: string) {
  return async (): Promise<Result<Loaded<State>, never>> => {
    const stream = await store.read(streamOf(id));
    const state = stream.events.reduce<State>((s, e) => Counter.evolve(s, e as unknown as Event), {
      opened: false,
    });
    return ok({
      key: { studioId: STUDIO, kind: 'session', id },
      streamId: streamOf(id),
      state,
      version: stream.version,
    });
  };
}

function spec(
  store: EventStore,
  id: string,
  commands: readonly Command[],
  extra: Partial<CommandSpec<Command, State, Event, undefined>> = {},
): CommandSpec<Command, State, Event, undefined> {
  return {
    decider: Counter,
    load: loader(store, id),
    plan: () => Promise.resolve(ok({ commands, own: undefined })),
    plugins: [],
    exhausted: conflict('CONCURRENT_MODIFICATION', 'Retry.'),
    ...extra,
  };
}

const types = async (store: EventStore, streamId: string) =>
  (await store.read(streamId)).events.map((e) => `${e.type}@${e.streamVersion}`);

export function pipelineSuite(storage: string, makeService: () => Promise<TestService>): void {
  describe(`CommandPipeline (${storage})`, () => {
    async function parts() {
      const service = await makeService();
      const container = service.sessions.container;
      return { pipeline: container.get(CommandPipeline), store: container.get(TOKENS.EventStore) };
    }

    it('runs a command on a new stream, then on the existing one, evolving once', async () => {
      const { pipeline, store } = await parts();
      const created = await pipeline.run(spec(store, 'c1', [{ type: 'Open' }, { type: 'Add', n: 2 }]));
      expect(created._unsafeUnwrap()).toMatchObject({ state: { opened: true, total: 2 }, version: 2 });
      const added = await pipeline.run(spec(store, 'c1', [{ type: 'Add', n: 3 }]));
      expect(added._unsafeUnwrap()).toMatchObject({ state: { opened: true, total: 5 }, version: 3 });
      expect(await types(store, streamOf('c1'))).toEqual(['Opened@1', 'Added@2', 'Added@3']);
    });

    it('a refused command writes nothing, and nothing at all decides nothing', async () => {
      const { pipeline, store } = await parts();
      await pipeline.run(spec(store, 'c2', [{ type: 'Open' }]));
      const refused = await pipeline.run(
        spec(store, 'c2', [
          { type: 'Add', n: 1 },
          { type: 'Add', n: -1 },
        ]),
      );
      expect(refused._unsafeUnwrapErr()).toMatchObject({ code: 'NEGATIVE' });
      const nothing = await pipeline.run(spec(store, 'c2', []));
      expect(nothing._unsafeUnwrap()).toMatchObject({ version: 1, events: [] });
      expect(await types(store, streamOf('c2'))).toEqual(['Opened@1']);
    });

    it('co-commits a second stream atomically, and writes neither when that one conflicts', async () => {
      const { pipeline, store } = await parts();
      const ledger = `Ledger:${STUDIO}`;
      let seen = 0;
      const committed: number[] = [];
      const conflicts: string[] = [];
      const ledgerPlugin: Plugin<State, Event, undefined> = async (d) => {
        const current = (await store.read(ledger)).version;
        const part: Contribution = {
          appends: [
            {
              streamId: ledger,
              studioId: STUDIO,
              expected: ExpectedVersion.after(seen),
              events: d.events.map(() => ({ type: 'Counted', version: 1, data: { id: d.key.id } })),
              snapshot: { counted: current + d.events.length },
            },
          ],
          onCommitted: () => committed.push(d.version),
          onConflict: (c) => {
            conflicts.push(c.type === 'WrongExpectedVersion' ? c.streamId : c.type);
            seen = current; // the plug-in's cache learns, and the next attempt succeeds
          },
        };
        return ok(part);
      };
      const first = await pipeline.run(spec(store, 'c3', [{ type: 'Open' }], { plugins: [ledgerPlugin] }));
      expect(first.isOk()).toBe(true);
      seen = 1;
      // Another writer moves the ledger on: this plug-in's expectation (1) is stale on the first attempt.
      await store.commit(
        {
          appends: [
            {
              streamId: ledger,
              studioId: STUDIO,
              expected: ExpectedVersion.exact(1),
              events: [{ type: 'Counted', version: 1, data: { id: 'elsewhere' } }],
            },
          ],
        },
        Date.now(),
      );
      const second = await pipeline.run(spec(store, 'c4', [{ type: 'Open' }], { plugins: [ledgerPlugin] }));
      expect(second.isOk()).toBe(true);
      expect(conflicts).toEqual([ledger]);
      expect(committed).toEqual([1, 1]);
      // The conflicting attempt wrote nothing: c4 has one Opened, the ledger three events in all.
      expect(await types(store, streamOf('c4'))).toEqual(['Opened@1']);
      expect((await store.read(ledger)).version).toBe(3);
      expect((await store.readSnapshot(ledger))?.snapshot).toEqual({ counted: 3 });
    });

    it('retries a version conflict on the stream itself, deciding again on what the other writer left', async () => {
      const { pipeline, store } = await parts();
      await pipeline.run(spec(store, 'c5', [{ type: 'Open' }]));
      let raced = false;
      const racer: Plugin<State, Event, undefined> = async () => {
        if (!raced) {
          raced = true;
          await store.commit(
            {
              appends: [
                {
                  streamId: streamOf('c5'),
                  studioId: STUDIO,
                  expected: ExpectedVersion.exact(1),
                  events: [{ type: 'Added', version: 1, data: { n: 10 } }],
                },
              ],
            },
            Date.now(),
          );
        }
        return ok({});
      };
      const outcome = await pipeline.run(spec(store, 'c5', [{ type: 'Add', n: 1 }], { plugins: [racer] }));
      expect(outcome._unsafeUnwrap()).toMatchObject({ state: { total: 11 }, version: 3 });
      expect(await types(store, streamOf('c5'))).toEqual(['Opened@1', 'Added@2', 'Added@3']);
    });

    it('answers a repeated client token with the record holding it, and writes nothing again', async () => {
      const { pipeline, store } = await parts();
      const token = { key: { studioId: STUDIO, operation: 'Add', clientToken: 'tok-1' }, fingerprint: 'f1' };
      await pipeline.run(spec(store, 'c6', [{ type: 'Open' }]));
      const first = await pipeline.run(spec(store, 'c6', [{ type: 'Add', n: 1 }], { token }));
      expect(first._unsafeUnwrap().replayOf).toBeUndefined();
      const again = await pipeline.run(spec(store, 'c6', [{ type: 'Add', n: 1 }], { token }));
      expect(again._unsafeUnwrap().replayOf).toMatchObject({
        clientToken: 'tok-1',
        fingerprint: 'f1',
        entity: { kind: 'session', id: 'c6' },
      });
      // A refusal whose token is held is a repeat too (the original may have changed what is allowed).
      const refused = await pipeline.run(spec(store, 'c6', [{ type: 'Add', n: -1 }], { token }));
      expect(refused._unsafeUnwrap().replayOf).toMatchObject({ clientToken: 'tok-1' });
      expect(await types(store, streamOf('c6'))).toEqual(['Opened@1', 'Added@2']);
    });

    it('a plug-in may ask for another attempt, and the attempts are bounded', async () => {
      const { pipeline, store } = await parts();
      let calls = 0;
      const flaky: Plugin<State, Event, undefined> = () => {
        calls += 1;
        return Promise.resolve(calls < 3 ? err(RETRY) : ok({}));
      };
      expect((await pipeline.run(spec(store, 'c7', [{ type: 'Open' }], { plugins: [flaky] }))).isOk()).toBe(
        true,
      );
      expect(calls).toBe(3);
      const never: Plugin<State, Event, undefined> = () => Promise.resolve(err(RETRY));
      const exhausted = await pipeline.run(spec(store, 'c8', [{ type: 'Open' }], { plugins: [never] }));
      expect(exhausted._unsafeUnwrapErr()).toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
      expect(await types(store, streamOf('c8'))).toEqual([]);
    });
  });
}

/**
 * What storage returns is read, not cast: each stored shape passes its schema, and a value that does not
 * is a StoredValueUnreadable naming the table and the key, never a wrong value.
 */
import { describe, expect, it } from 'vitest';
import {
  readStoredEntityKind,
  readStoredJobKind,
  readStoredLedger,
  readStoredNumber,
  readStoredSession,
  StoredValueUnreadable,
} from '../../src/application/stored-shapes.js';
import { ARTIST, LP, STUDIO_ID, testService } from './fixtures.js';
import { sessionOf } from './results.js';

const at = { table: 'session_views', key: `${STUDIO_ID}/s-1` };

async function storedSession(): Promise<Record<string, unknown>> {
  const service = await testService();
  const created = sessionOf(
    await service.sessions.createStreamingSession({ studioId: STUDIO_ID, launchProfileId: LP }, ARTIST),
  );
  await service.provisionAll();
  const [row] = await service.rows();
  expect(row?.session.session.sessionId).toBe(created.sessionId);
  await service.sessions.close();
  // As storage would hand it back: JSON, not the live object.
  return JSON.parse(JSON.stringify(row?.session)) as Record<string, unknown>;
}

function unreadable(read: () => unknown): StoredValueUnreadable {
  try {
    read();
  } catch (error) {
    if (error instanceof StoredValueUnreadable) return error;
    throw error;
  }
  throw new Error('expected the value to be refused');
}

describe('stored shapes', () => {
  it('reads a session the service wrote, and one from before the lifecycle (no lifecycle member)', async () => {
    const session = await storedSession();
    expect(readStoredSession(session, at)).toEqual(session);
    const { lifecycle: _lifecycle, ...older } = session;
    expect(readStoredSession(older, at)).toEqual(older);
    // A member a later release adds is left alone.
    expect(readStoredSession({ ...session, addedLater: { x: 1 } }, at)).toMatchObject({
      addedLater: { x: 1 },
    });
  });

  it('refuses a damaged session, naming the table, the key and what is wrong', async () => {
    const session = await storedSession();
    const inner = session.session as Record<string, unknown>;
    const cases: readonly [string, unknown][] = [
      ['not an object', 'READY'],
      ['an unknown state', { ...session, state: 'PAUSED' }],
      ['no owner', { ...session, session: { ...inner, ownedBy: undefined } }],
      ['a requestedAt that is text', { ...session, session: { ...inner, requestedAt: '2024-01-02' } }],
      ['READY without an instance', { ...session, state: 'READY', instanceId: undefined }],
      ['a tag value that is a number', { ...session, session: { ...inner, tags: { team: 3 } } }],
      ['backups that are not a list', { ...session, lifecycle: { backupIds: 'bk-1' } }],
    ];
    for (const [name, value] of cases) {
      const error = unreadable(() => readStoredSession(JSON.parse(JSON.stringify(value)) as unknown, at));
      expect(error, name).toMatchObject({
        table: 'session_views',
        key: at.key,
        code: 'STORED_VALUE_UNREADABLE',
      });
      expect(error.message, name).toContain(at.key);
    }
  });

  it('reads a ledger snapshot, and refuses negative or fractional counters', () => {
    const ledger = { total: 2, byInstanceFamily: { g4dn: 2 }, byOwner: { u: 2 } };
    const where = { table: 'streams', key: `QuotaLedger:${STUDIO_ID}` };
    expect(readStoredLedger(ledger, where)).toEqual(ledger);
    for (const bad of [
      { ...ledger, total: -1 },
      { ...ledger, total: 1.5 },
      { total: 1 },
      null,
      { ...ledger, byOwner: { u: '2' } },
    ]) {
      expect(unreadable(() => readStoredLedger(bad, where))).toMatchObject({
        table: 'streams',
        key: where.key,
      });
    }
  });

  it('reads job kinds this release runs, any entity kind by name, and numbers', () => {
    const where = { table: 'jobs', key: 'k' };
    expect(readStoredJobKind('provision', where)).toBe('provision');
    expect(readStoredEntityKind('session', where)).toBe('session');
    expect(readStoredNumber('12', where, 'due_at')).toBe(12);
    expect(unreadable(() => readStoredJobKind('reboot', where)).message).toContain('reboot');
    expect(readStoredEntityKind('a-later-aggregate', where)).toBe('a-later-aggregate');
    expect(unreadable(() => readStoredEntityKind('', where)).message).toContain('entity kind');
    expect(unreadable(() => readStoredNumber('soon', where, 'due_at')).message).toContain('due_at');
  });
});

import { describe, expect, it } from 'vitest';
import {
  STREAM_CONFIGURATION_DEFAULTS,
  checkStreamConfiguration,
  isStopAllowed,
  resolveStreamSettings,
  type StreamConfiguration,
} from 'nimble-streaming-sessions/domain';
import { baseStreamConfiguration } from './fixtures.js';

const config = (c: Partial<StreamConfiguration>): StreamConfiguration => ({
  ...baseStreamConfiguration,
  ...c,
});

describe('checkStreamConfiguration: the §4.3 combinations a launch profile may not hold', () => {
  it('automaticTerminationMode without persistence: AUTOMATIC_TERMINATION_REQUIRES_PERSISTENCE', () => {
    for (const c of [
      config({ automaticTerminationMode: 'ACTIVATED' }),
      config({ automaticTerminationMode: 'DEACTIVATED' }),
      config({ sessionPersistenceMode: 'DEACTIVATED', automaticTerminationMode: 'ACTIVATED' }),
    ]) {
      expect(checkStreamConfiguration(c)._unsafeUnwrapErr()).toStrictEqual({
        type: 'ValidationException',
        code: 'AUTOMATIC_TERMINATION_REQUIRES_PERSISTENCE',
        message: 'automaticTerminationMode may be set only when sessionPersistenceMode is ACTIVATED.',
        context: {},
      });
    }
  });

  it('volumeConfiguration without persistence: VOLUME_CONFIGURATION_REQUIRES_PERSISTENCE', () => {
    for (const c of [
      config({ volumeConfiguration: {} }),
      config({ sessionPersistenceMode: 'DEACTIVATED', volumeConfiguration: { size: 500 } }),
    ]) {
      expect(checkStreamConfiguration(c)._unsafeUnwrapErr()).toStrictEqual({
        type: 'ValidationException',
        code: 'VOLUME_CONFIGURATION_REQUIRES_PERSISTENCE',
        message: 'volumeConfiguration may be set only when sessionPersistenceMode is ACTIVATED.',
        context: {},
      });
    }
  });

  it('maxStopped > 0 with persistence but without automatic termination: MAX_STOPPED_REQUIRES_AUTOMATIC_TERMINATION', () => {
    for (const c of [
      config({ sessionPersistenceMode: 'ACTIVATED', maxStoppedSessionLengthInMinutes: 1 }),
      config({
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'DEACTIVATED',
        maxStoppedSessionLengthInMinutes: 60,
      }),
    ]) {
      expect(checkStreamConfiguration(c)._unsafeUnwrapErr()).toStrictEqual({
        type: 'ValidationException',
        code: 'MAX_STOPPED_REQUIRES_AUTOMATIC_TERMINATION',
        message:
          'maxStoppedSessionLengthInMinutes may be greater than 0 only when automaticTerminationMode is ACTIVATED.',
        context: {},
      });
    }
  });

  it('the automatic-termination rule is checked before the volume rule', () => {
    const c = config({ automaticTerminationMode: 'ACTIVATED', volumeConfiguration: {} });
    expect(checkStreamConfiguration(c)._unsafeUnwrapErr().code).toBe(
      'AUTOMATIC_TERMINATION_REQUIRES_PERSISTENCE',
    );
  });

  it('accepts every row of the §4.3 table, returning the configuration itself', () => {
    for (const c of [
      config({}),
      config({ sessionPersistenceMode: 'DEACTIVATED', maxStoppedSessionLengthInMinutes: 0 }),
      config({ maxStoppedSessionLengthInMinutes: 120 }),
      config({ sessionPersistenceMode: 'ACTIVATED' }),
      config({
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'DEACTIVATED',
        volumeConfiguration: {},
      }),
      config({
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'DEACTIVATED',
        maxStoppedSessionLengthInMinutes: 0,
      }),
      config({ sessionPersistenceMode: 'ACTIVATED', automaticTerminationMode: 'ACTIVATED' }),
      config({
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'ACTIVATED',
        maxStoppedSessionLengthInMinutes: 5760,
        volumeConfiguration: { size: 16000, throughput: 1000, iops: 16000 },
      }),
    ]) {
      expect(checkStreamConfiguration(c)._unsafeUnwrap()).toBe(c);
    }
  });
});

describe('resolveStreamSettings and isStopAllowed', () => {
  it('documented defaults', () => {
    expect(STREAM_CONFIGURATION_DEFAULTS).toStrictEqual({
      maxSessionLengthInMinutes: 690,
      maxStoppedSessionLengthInMinutes: 0,
      sessionPersistenceMode: 'DEACTIVATED',
      automaticTerminationMode: 'DEACTIVATED',
      backupMode: 'DEACTIVATED',
      maxBackupsToRetain: 0,
      volumeConfiguration: { size: 500, throughput: 125, iops: 3000 },
    });
    expect(resolveStreamSettings(config({}))).toStrictEqual({
      maxSessionLengthInMinutes: 690,
      maxStoppedSessionLengthInMinutes: 0,
      sessionPersistenceMode: 'DEACTIVATED',
      automaticTerminationMode: 'DEACTIVATED',
      backupMode: 'DEACTIVATED',
      maxBackupsToRetain: 0,
    });
  });

  it('an empty sessionBackup still takes the defaults', () => {
    const settings = resolveStreamSettings(config({ sessionBackup: {} }));
    expect([settings.backupMode, settings.maxBackupsToRetain]).toStrictEqual(['DEACTIVATED', 0]);
  });

  it('volume defaults apply per member when persistence is ACTIVATED', () => {
    expect(
      resolveStreamSettings(
        config({ sessionPersistenceMode: 'ACTIVATED', volumeConfiguration: { throughput: 300 } }),
      ).volumeConfiguration,
    ).toStrictEqual({ size: 500, throughput: 300, iops: 3000 });
  });

  it('isStopAllowed follows the §4.3 table', () => {
    const allowed = (c: Partial<StreamConfiguration>) => isStopAllowed(resolveStreamSettings(config(c)));
    expect(allowed({})).toBe(false);
    expect(allowed({ maxStoppedSessionLengthInMinutes: 1 })).toBe(true);
    expect(allowed({ sessionPersistenceMode: 'ACTIVATED' })).toBe(true);
    expect(allowed({ sessionPersistenceMode: 'ACTIVATED', automaticTerminationMode: 'ACTIVATED' })).toBe(
      false,
    );
    expect(
      allowed({
        sessionPersistenceMode: 'ACTIVATED',
        automaticTerminationMode: 'ACTIVATED',
        maxStoppedSessionLengthInMinutes: 1,
      }),
    ).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSeed } from 'nimble-streaming-sessions';
import { seedSchema } from '../../src/application/seed.js';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

describe('the seed format', () => {
  it('publishes exactly the schema the loader validates with', () => {
    expect(read('../../docs/seed.schema.json')).toEqual(seedSchema);
  });

  it('accepts the bundled demo seed', () => {
    const seed = parseSeed(read('../../seeds/demo.json'));
    expect(seed.isOk()).toBe(true);
    expect(seed._unsafeUnwrap().credentials).toHaveLength(3);
  });

  it('accepts the example in docs/seed.md', () => {
    const doc = readFileSync(new URL('../../docs/seed.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(parseSeed(JSON.parse(example ?? '')).isOk()).toBe(true);
  });

  it('names the path and the rule of a shape error', () => {
    const seed = parseSeed({
      studios: [{ studioId: 'us-west-2:stid-abc', state: 'READY', quotas: { maxSessions: -1 } }],
    });
    expect(seed._unsafeUnwrapErr()).toMatchObject({
      type: 'ValidationException',
      code: 'INVALID_SEED',
      context: { field: 'studios.0.quotas.maxSessions', rule: 'minimum' },
    });
  });

  it('rejects a launch profile of an unknown studio', () => {
    const seed = parseSeed({
      studios: [],
      launchProfiles: [
        {
          launchProfileId: 'lp1',
          studioId: 'us-west-2:stid-nope',
          state: 'READY',
          streamConfiguration: {
            clipboardMode: 'ENABLED',
            ec2InstanceTypes: ['g4dn.xlarge'],
            streamingImageIds: ['img'],
          },
        },
      ],
    });
    expect(seed._unsafeUnwrapErr().context).toEqual({
      field: 'launchProfiles.0.studioId',
      rule: 'reference',
    });
  });

  it('rejects the stream-configuration combinations the API forbids', () => {
    const seed = parseSeed({
      studios: [{ studioId: 'us-west-2:stid-abc', state: 'READY' }],
      launchProfiles: [
        {
          launchProfileId: 'lp1',
          studioId: 'us-west-2:stid-abc',
          state: 'READY',
          streamConfiguration: {
            clipboardMode: 'ENABLED',
            ec2InstanceTypes: ['g4dn.xlarge'],
            streamingImageIds: ['img'],
            volumeConfiguration: { size: 600 },
          },
        },
      ],
    });
    expect(seed._unsafeUnwrapErr()).toMatchObject({
      code: 'VOLUME_CONFIGURATION_REQUIRES_PERSISTENCE',
      context: { field: 'launchProfiles.0.streamConfiguration' },
    });
  });

  it('refuses a credential whose expiry is a leap second, naming the key and the value', () => {
    // RFC 3339 (and the schema's date-time format) allow second 60; Date.parse reads it as NaN, and an
    // expiry of NaN would never be reached.
    const credential = {
      accessKeyId: 'ASIALEAPSECOND000001',
      secretAccessKey: 's',
      sessionToken: 't',
      expiresAt: '2016-12-31T23:59:60Z',
      principalId: 'p',
      kind: 'STUDIO_USER',
    };
    const refused = parseSeed({ studios: [], credentials: [credential] })._unsafeUnwrapErr();
    expect(refused).toMatchObject({
      type: 'ValidationException',
      code: 'INVALID_SEED',
      context: { field: 'credentials.0.expiresAt', rule: 'timestamp', value: '2016-12-31T23:59:60Z' },
    });
    expect(refused.message).toContain('access key ASIALEAPSECOND000001');
    expect(refused.message).toContain('2016-12-31T23:59:60Z');
    expect(refused.message).toMatch(/not a timestamp this server can read/);
    // An offset without minutes passes the format too, and parses no better.
    const offset = parseSeed({
      studios: [],
      credentials: [{ ...credential, expiresAt: '2030-01-01T00:00:00+01' }],
    });
    expect(offset._unsafeUnwrapErr().context).toMatchObject({ field: 'credentials.0.expiresAt' });
    // The instant after the leap second loads.
    const next = parseSeed({
      studios: [],
      credentials: [{ ...credential, expiresAt: '2017-01-01T00:00:00Z' }],
    });
    expect(next.isOk()).toBe(true);
  });

  it('refuses a EULA acceptance dated with a timestamp the server cannot read', () => {
    const seed = parseSeed({
      studios: [
        {
          studioId: 'us-west-2:stid-abc',
          state: 'READY',
          eulaAcceptances: [
            { eulaId: 'eula-ok', acceptedAt: '2016-12-31T23:59:59Z' },
            { eulaId: 'eula-leap', acceptedAt: '2016-12-31T23:59:60Z' },
          ],
        },
      ],
    });
    const refused = seed._unsafeUnwrapErr();
    expect(refused.context).toMatchObject({
      field: 'studios.0.eulaAcceptances.1.acceptedAt',
      rule: 'timestamp',
    });
    expect(refused.message).toContain('EULA eula-leap');
    expect(refused.message).toContain('2016-12-31T23:59:60Z');
  });

  it('rejects a repeated access key id', () => {
    const credential = { accessKeyId: 'AKIA1', secretAccessKey: 's', principalId: 'p', kind: 'IAM' };
    const seed = parseSeed({ studios: [], credentials: [credential, credential] });
    expect(seed._unsafeUnwrapErr().context).toEqual({ field: 'credentials.1.accessKeyId', rule: 'unique' });
  });
});

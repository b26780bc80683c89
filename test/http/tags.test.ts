/**
 * Tag limits over the wire, counted in characters (Unicode code points) as AWS counts them: an emoji outside
 * the BMP is one character, though the SDK's JavaScript string holds it as two UTF-16 units.
 */
import { CreateStreamingSessionCommand, ValidationException } from '@aws-sdk/client-nimble';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDER_PROFILE, STUDIO_ID, startTestServer, type TestServer } from './harness.js';

const EMOJI = '\u{1F3AC}'; // 🎬, two UTF-16 units

describe('tag limits in characters', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const create = (tags: Record<string, string>) =>
    server
      .client()
      .send(
        new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: RENDER_PROFILE, tags }),
      );

  it('accepts a key of 128 emoji and a value of 256 emoji (256 and 512 UTF-16 units)', async () => {
    const key = EMOJI.repeat(128);
    const value = EMOJI.repeat(256);
    expect(key.length).toBe(256);
    const { session } = await create({ [key]: value, plain: 'k'.repeat(256) });
    expect(session?.tags).toEqual({ [key]: value, plain: 'k'.repeat(256) });
  });

  it('refuses a key of 129 emoji and a value of 257 emoji', async () => {
    const refusal = (tags: Record<string, string>) =>
      create(tags).then(
        () => undefined,
        (error: unknown) => error,
      );
    const longKey = await refusal({ [EMOJI.repeat(129)]: 'v' });
    expect(longKey).toBeInstanceOf(ValidationException);
    expect(longKey).toMatchObject({ code: 'INVALID_TAG_KEY' });
    const longValue = await refusal({ k: EMOJI.repeat(257) });
    expect(longValue).toBeInstanceOf(ValidationException);
    expect(longValue).toMatchObject({ code: 'INVALID_TAG_VALUE' });
    // Mixed text: 127 ASCII letters and one emoji is 128 characters.
    const { session } = await create({ [`${'a'.repeat(127)}${EMOJI}`]: '' });
    expect(session?.state).toBe('CREATE_IN_PROGRESS');
  });
});

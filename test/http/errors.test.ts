/**
 * Each of the API's seven errors reaches the real SDK as its typed exception, with message, code and
 * context intact (reference §1.5): the `x-amzn-errortype` header names the type, the body carries the rest.
 */
import {
  AccessDeniedException,
  ConflictException,
  CreateStreamingSessionCommand,
  GetStreamingSessionCommand,
  InternalServerErrorException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
  type NimbleServiceException,
} from '@aws-sdk/client-nimble';
import type { Catalog } from 'nimble-streaming-sessions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PRINCIPAL,
  ARTIST_PRINCIPAL,
  ARTIST_PROFILE,
  STUDIO_ID,
  UPDATING_PROFILE,
  startTestServer,
  type TestServer,
} from './harness.js';

/** Every Nimble exception carries the body's `code` and `context`. */
type NimbleError = NimbleServiceException & { code?: string; context?: Record<string, string> };

async function failure(promise: Promise<unknown>): Promise<NimbleError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as NimbleError,
  );
}

describe('typed errors through the SDK', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const create = (input: Partial<ConstructorParameters<typeof CreateStreamingSessionCommand>[0]>) =>
    failure(
      server.client().send(
        new CreateStreamingSessionCommand({
          studioId: STUDIO_ID,
          launchProfileId: ARTIST_PROFILE,
          ...input,
        }),
      ),
    );

  it('ValidationException (400): an instance type outside the model enum', async () => {
    const error = await create({ ec2InstanceType: 'g9.enormous' as never });
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({
      code: 'INVALID_PARAMETER',
      context: { field: 'ec2InstanceType', rule: 'enum' },
      $metadata: { httpStatusCode: 400 },
    });
    expect(error.message).toContain('ec2InstanceType');
  });

  it('AccessDeniedException (403): a studio user creating for someone else', async () => {
    const error = await create({ ownedBy: ADMIN_PRINCIPAL });
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error).toMatchObject({
      code: 'CANNOT_CREATE_FOR_ANOTHER_USER',
      context: { principalId: ARTIST_PRINCIPAL, ownedBy: ADMIN_PRINCIPAL },
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('ResourceNotFoundException (404): an unknown session, with context.resourceId', async () => {
    const error = await failure(
      server
        .client()
        .send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'NoSuchSession000000000' })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      code: 'STREAMING_SESSION_NOT_FOUND',
      message: 'The streaming session NoSuchSession000000000 does not exist.',
      context: { resourceId: 'NoSuchSession000000000' },
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('ConflictException (409): a launch profile that is being updated', async () => {
    const error = await create({ launchProfileId: UPDATING_PROFILE });
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({
      code: 'LAUNCH_PROFILE_NOT_READY',
      context: { resourceId: UPDATING_PROFILE, state: 'UPDATE_IN_PROGRESS' },
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('ServiceQuotaExceededException (402): g5 sessions, whose quota is 0', async () => {
    const error = await create({ ec2InstanceType: 'g5.xlarge' });
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.$metadata.httpStatusCode).toBe(402);
    expect(error.code).toBeTypeOf('string');
    expect(error.context).toMatchObject({ limit: '0' });
  });

  it('ThrottlingException (429): a principal over its token bucket', async () => {
    const throttled = await startTestServer({ http: { throttle: { ratePerSecond: 0.001, burst: 1 } } });
    try {
      const client = throttled.client();
      const get = () => client.send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'x' }));
      expect(await failure(get())).toBeInstanceOf(ResourceNotFoundException);
      const error = await failure(get());
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(error).toMatchObject({
        code: 'RATE_EXCEEDED',
        context: { principalId: ARTIST_PRINCIPAL },
        $metadata: { httpStatusCode: 429 },
      });
    } finally {
      await throttled.close();
    }
  });

  it('InternalServerErrorException (500): a catalog that throws, with the request id in context', async () => {
    const outage = (): Promise<never> => Promise.reject(new Error('catalog database is down'));
    const broken: Catalog = {
      getStudio: outage,
      getLaunchProfile: outage,
      getStreamingImage: outage,
      listAcceptedEulaIds: outage,
      isStudioAdmin: outage,
      isLaunchProfileMember: outage,
      isMemberOfAnyLaunchProfile: outage,
      getQuotaLimits: outage,
    };
    const failing = await startTestServer({ catalog: broken });
    try {
      const error = await failure(
        failing
          .client()
          .send(new CreateStreamingSessionCommand({ studioId: STUDIO_ID, launchProfileId: ARTIST_PROFILE })),
      );
      expect(error).toBeInstanceOf(InternalServerErrorException);
      expect(error).toMatchObject({ code: 'INTERNAL_ERROR', $metadata: { httpStatusCode: 500 } });
      expect(error.context).toEqual({ requestId: error.$metadata.requestId });
      // The outage's own message stays in the server's log, not on the wire.
      expect(error.message).not.toContain('catalog database');
      // And the server is still up.
      const again = await failure(
        failing.client().send(new GetStreamingSessionCommand({ studioId: STUDIO_ID, sessionId: 'x' })),
      );
      expect(again).toBeInstanceOf(ResourceNotFoundException);
    } finally {
      await failing.close();
    }
  });
});

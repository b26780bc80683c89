/**
 * Runs the real HTTP adapter on an ephemeral loopback port and hands out real `@aws-sdk/client-nimble`
 * clients signed with the seed's credentials.
 */
import { readFileSync } from 'node:fs';
import { NimbleClient } from '@aws-sdk/client-nimble';
import type { FastifyInstance } from 'fastify';
import {
  createStreamingSessions,
  SimulatedProvisioner,
  SystemClock,
  type Catalog,
  type Seed,
  type SeedCredential,
  type SimulatedProvisionerOptions,
  type StreamingSessions,
  type StreamingSessionsOptions,
} from 'nimble-streaming-sessions';
import {
  createHttpServer,
  credentialStoreFromSeed,
  type CredentialStore,
  type HttpServerOptions,
} from 'nimble-streaming-sessions/http';

export const demoSeed = JSON.parse(
  readFileSync(new URL('../../seeds/demo.json', import.meta.url), 'utf8'),
) as Seed;

export const STUDIO_ID = 'us-west-2:stid-demo1234abcd5678';
export const ARTIST_PROFILE = 'LpArtistWorkstation001';
export const RENDER_PROFILE = 'LpRenderNode000000001';
/** A launch profile the test seed adds in UPDATE_IN_PROGRESS: creating on it is a ConflictException. */
export const UPDATING_PROFILE = 'LpUpdating00000000001';
export const ADMIN_PRINCIPAL = '92677b4b19-0a0a0a0a-0000-4000-8000-00000000ad01';
export const ARTIST_PRINCIPAL = '92677b4b19-0a0a0a0a-0000-4000-8000-0000000a0001';

export const ARTIST = {
  accessKeyId: 'AKIADEMOARTIST000001',
  secretAccessKey: 'demo-artist-secret-key-000000000000000001',
};
export const ADMIN = {
  accessKeyId: 'AKIADEMOADMIN0000001',
  secretAccessKey: 'demo-admin-secret-key-0000000000000000001',
};

/** The demo seed plus a launch profile that is being updated. */
export const testSeed: Seed = {
  ...demoSeed,
  launchProfiles: [
    ...(demoSeed.launchProfiles ?? []),
    {
      launchProfileId: UPDATING_PROFILE,
      studioId: STUDIO_ID,
      state: 'UPDATE_IN_PROGRESS',
      streamConfiguration: {
        clipboardMode: 'ENABLED',
        ec2InstanceTypes: ['g4dn.xlarge'],
        streamingImageIds: ['ImgLinuxArtist0000001'],
      },
      launchProfileMembers: [{ principalId: ARTIST_PRINCIPAL, persona: 'USER' }],
    },
  ],
};

export interface TestServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly sessions: StreamingSessions;
  /** A client of the real SDK for this server; `maxAttempts: 1` and region us-west-2 unless told otherwise. */
  client(credentials?: ClientCredentials, maxAttempts?: number, region?: string): NimbleClient;
  close(): Promise<void>;
}

/** What the SDK signs with: a long-term key, or a temporary one with its session token. */
export interface ClientCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface TestServerOptions {
  readonly provisioner?: SimulatedProvisionerOptions;
  readonly catalog?: Catalog;
  /** The access keys the server knows. Default: the test seed's. */
  readonly credentials?: readonly SeedCredential[];
  /** A credential store of the test's own, instead of one over `credentials`. */
  readonly credentialStore?: CredentialStore;
  /** Service settings, such as the ARN account. */
  readonly config?: StreamingSessionsOptions['config'];
  readonly http?: Partial<Omit<HttpServerOptions, 'sessions' | 'credentials'>>;
}

/** Composes the service as `npm start` does (in memory, simulated provisioner) and listens on 127.0.0.1:0. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = new SystemClock();
  const sessions = await createStreamingSessions({
    catalog: options.catalog ?? testSeed,
    clock,
    provisioner: new SimulatedProvisioner(clock, { bootTimeMs: 200, ...options.provisioner }),
    ...(options.config === undefined ? {} : { config: options.config }),
  });
  const app = createHttpServer({
    sessions,
    credentials:
      options.credentialStore ?? credentialStoreFromSeed(options.credentials ?? testSeed.credentials),
    throttle: false,
    ...options.http,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const clients: NimbleClient[] = [];
  return {
    url,
    app,
    sessions,
    client(credentials = ARTIST, maxAttempts = 1, region = 'us-west-2') {
      const client = new NimbleClient({ endpoint: url, region, credentials, maxAttempts });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.destroy();
      await app.close();
      await sessions.close();
    },
  };
}

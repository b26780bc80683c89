import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Seed } from '../application/seed.js';
import { regionOfStudio } from '../domain/index.js';
import type { ServerOptions } from './options.js';
import type { RunningServer } from './start.js';

/**
 * The SHA-256 of the bundled demo seed's content (`seedDigest` of seeds/demo.json as shipped). Its secrets
 * are published (docs/http.md lists them), so only for a seed with exactly this content does the banner
 * print one. A constant rather than the file read at start-up: a demo edited in place, or copied and given
 * a real secret, is another seed. test/http/banner.test.ts fails when seeds/demo.json and it part.
 */
export const DEMO_SEED_SHA256 = '8f31ac53c724e8b9506d2479ea9fff93ca3946751d2693f9f9d533f387ad24e8';

/** A seed's content identity: the SHA-256 of the validated document as JSON, whatever the file's layout. */
export function seedDigest(seed: Seed): string {
  return createHash('sha256').update(JSON.stringify(seed), 'utf8').digest('hex');
}

/** Whether the seed is the bundled demo, whose secrets are public, wherever its file lies. */
export function isDemoSeed(seed: Seed): boolean {
  return seedDigest(seed) === DEMO_SEED_SHA256;
}

interface Example {
  readonly studioId: string;
  readonly launchProfileId: string;
  /** The credential's position in the seed's `credentials`, to say where its secret is. */
  readonly credentialIndex: number;
  readonly accessKeyId: string;
  readonly region: string;
}

/** A studio user of the seed who may launch on one of its launch profiles: what the examples sign as. */
function exampleOf(seed: Seed): Example | undefined {
  const credentials = seed.credentials ?? [];
  for (const studio of seed.studios.filter((s) => s.state === 'READY')) {
    const admins = (studio.studioMembers ?? []).map((m) => m.principalId);
    for (const profile of seed.launchProfiles ?? []) {
      if (profile.studioId !== studio.studioId || profile.state !== 'READY') continue;
      const members = (profile.launchProfileMembers ?? []).map((m) => m.principalId);
      const users = credentials.filter((c) => c.kind === 'STUDIO_USER');
      const credential =
        users.find((c) => members.includes(c.principalId)) ??
        users.find((c) => admins.includes(c.principalId));
      if (credential === undefined) continue;
      return {
        studioId: studio.studioId,
        launchProfileId: profile.launchProfileId,
        credentialIndex: credentials.indexOf(credential),
        accessKeyId: credential.accessKeyId,
        region: regionOfStudio(studio.studioId, 'us-west-2'),
      };
    }
  }
  return undefined;
}

/**
 * The copy-paste examples. For the demo seed they carry its (published) secret; for any other seed they
 * name the access key and where its secret is, and read the secret from AWS_SECRET_ACCESS_KEY (and a
 * temporary key's token from AWS_SESSION_TOKEN): a start-up banner ends up in terminals, CI logs and
 * container logs.
 */
function examples(url: string, seed: Seed, seedFile: string, e: Example): string[] {
  const credential = seed.credentials?.[e.credentialIndex];
  const token = credential?.sessionToken;
  const at = `credentials[${e.credentialIndex}]`;
  const cli = `aws nimble --endpoint-url ${url} --region ${e.region}`;
  let signing: string[];
  let secretExpression: string;
  let tokenMember = '';
  if (credential !== undefined && isDemoSeed(seed)) {
    const exportToken = token === undefined ? '' : ` AWS_SESSION_TOKEN=${token}`;
    signing = [
      '',
      'AWS CLI:',
      `  export AWS_ACCESS_KEY_ID=${e.accessKeyId} AWS_SECRET_ACCESS_KEY=${credential.secretAccessKey}${exportToken}`,
    ];
    secretExpression = `'${credential.secretAccessKey}'`;
    if (token !== undefined) tokenMember = `, sessionToken: '${token}'`;
  } else {
    const where =
      token === undefined
        ? `${at}.secretAccessKey in ${resolve(seedFile)}.`
        : `${at}.secretAccessKey in ${resolve(seedFile)}, and its session token ${at}.sessionToken.`;
    signing = [
      '',
      `The examples sign as access key ${e.accessKeyId}. Its secret access key is not printed: it is`,
      where,
      token === undefined
        ? 'Put it in AWS_SECRET_ACCESS_KEY first; the examples read it from there.'
        : 'Put them in AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN first; the examples read them from there.',
      '',
      'AWS CLI:',
      `  export AWS_ACCESS_KEY_ID=${e.accessKeyId}  # and AWS_SECRET_ACCESS_KEY${token === undefined ? '' : ', AWS_SESSION_TOKEN'}, from the seed file`,
    ];
    secretExpression = 'process.env.AWS_SECRET_ACCESS_KEY';
    if (token !== undefined) tokenMember = ', sessionToken: process.env.AWS_SESSION_TOKEN';
  }
  return [
    ...signing,
    `  ${cli} create-streaming-session --studio-id ${e.studioId} --launch-profile-id ${e.launchProfileId}`,
    `  ${cli} wait streaming-session-ready --studio-id ${e.studioId} --session-id <sessionId>`,
    `  ${cli} get-streaming-session --studio-id ${e.studioId} --session-id <sessionId>`,
    '',
    'JavaScript (@aws-sdk/client-nimble):',
    `  import { NimbleClient, CreateStreamingSessionCommand, waitUntilStreamingSessionReady } from '@aws-sdk/client-nimble';`,
    `  const client = new NimbleClient({ endpoint: '${url}', region: '${e.region}',`,
    `    credentials: { accessKeyId: '${e.accessKeyId}', secretAccessKey: ${secretExpression}${tokenMember} } });`,
    `  const { session } = await client.send(new CreateStreamingSessionCommand({`,
    `    studioId: '${e.studioId}', launchProfileId: '${e.launchProfileId}' }));`,
    `  await waitUntilStreamingSessionReady({ client, maxWaitTime: 120 },`,
    `    { studioId: '${e.studioId}', sessionId: session.sessionId });`,
  ];
}

/** What `npm start` prints once it listens: where it serves, on what, and how to call it. */
export function banner(
  server: Pick<RunningServer, 'url' | 'probes' | 'seed' | 'storageDescription'>,
  options: Pick<ServerOptions, 'seedFile' | 'provisionerLatencyMs'>,
): string {
  const url = server.url;
  const lines = [
    '',
    `Nimble streaming-session API listening on ${url}`,
    `  storage: ${server.storageDescription}; seed: ${options.seedFile}`,
    `  provisioner: simulated, instances boot in ${options.provisionerLatencyMs} ms`,
    `  health: ${server.probes.health}  readiness: ${server.probes.ready}`,
    `  metrics: ${server.probes.metrics ?? 'off (--metrics on to serve them)'}`,
  ];
  const e = exampleOf(server.seed);
  if (e !== undefined) lines.push(...examples(url, server.seed, options.seedFile, e));
  lines.push('', 'Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

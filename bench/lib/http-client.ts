/**
 * The client side of the HTTP benchmarks: servers started in child processes, requests SigV4-signed as
 * SDK v3 signs them (with the demo seed's artist), and autocannon runs that fail on any non-2xx answer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon, { type Result } from 'autocannon';

const STUDIO_ID = 'us-west-2:stid-demo1234abcd5678';
const ARTIST = {
  accessKeyId: 'AKIADEMOARTIST000001',
  secretAccessKey: 'demo-artist-secret-key-000000000000000001',
};
const CREATE_PATH = `/2020-08-01/studios/${encodeURIComponent(STUDIO_ID)}/streaming-sessions`;
const BODY = JSON.stringify({ launchProfileId: 'LpArtistWorkstation001', tags: { project: 'bench' } });

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What the bare endpoint is sent: the create's JSON body, unsigned. */
export const BARE_REQUEST: Request = {
  method: 'POST',
  path: '/bare',
  headers: { 'content-type': 'application/json' },
  body: BODY,
};

export interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Forks `module` with `args` and waits for the `URL <url>` line it prints. */
export async function startServer(
  module: string,
  args: readonly string[],
  execArgv: readonly string[],
): Promise<Server> {
  const child = fork(module, args, {
    execArgv: [...execArgv],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /URL (\S+)\n/.exec(text);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${String(code)}`));
    });
  });
  return { url, child };
}

/** The benchmark's own server (`lib/http-server.ts`) in a child process: the `app` or the `bare` one. */
export function startBenchServer(kind: 'app' | 'bare'): Promise<Server> {
  return startServer(
    fileURLToPath(new URL('./http-server.ts', import.meta.url)),
    [kind],
    ['--import', 'tsx'],
  );
}

/** Sends the server child a message and waits for the reply that carries `key`. */
export function askServer<T>(child: ChildProcess, message: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: Record<string, unknown>) => {
      if (key in reply) {
        child.off('message', listener);
        resolve(reply[key] as T);
      }
    };
    child.on('message', listener);
    child.send(message);
  });
}

/** Signs once: the signature stays valid for the whole run (X-Amz-Date may be 15 minutes old). */
async function signed(
  url: string,
  method: string,
  path: string,
  body?: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: ARTIST,
    region: 'us-west-2',
    service: 'nimble',
    sha256: Sha256,
  });
  const headers: Record<string, string> = { host: new URL(url).host };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request = await signer.sign(
    new HttpRequest({ method, path, headers, ...(body === undefined ? {} : { body }) }),
  );
  return request.headers;
}

/**
 * The signed requests of the app server at `url`: a create (a new session each time, no client token),
 * and a get of one session, created here by a first create.
 */
export async function signedRequests(url: string): Promise<{ create: Request; get: Request }> {
  const create: Request = {
    method: 'POST',
    path: CREATE_PATH,
    headers: await signed(url, 'POST', CREATE_PATH, BODY),
    body: BODY,
  };
  const first = await fetch(`${url}${CREATE_PATH}`, {
    method: 'POST',
    headers: create.headers,
    body: BODY,
  });
  const { session } = (await first.json()) as { session: { sessionId: string } };
  const getPath = `${CREATE_PATH}/${session.sessionId}`;
  return { create, get: { method: 'GET', path: getPath, headers: await signed(url, 'GET', getPath) } };
}

/** One autocannon run of `request` against `url`; throws if any request failed or was not 2xx. */
export async function load(
  name: string,
  url: string,
  request: Request,
  connections: number,
  seconds: number,
): Promise<Result> {
  const result = await autocannon({ url, connections, duration: seconds, requests: [request] });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`${name}: ${String(bad)} failed requests: ${JSON.stringify(result.statusCodeStats)}`);
  return result;
}

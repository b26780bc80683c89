import { err, ok, type Result } from 'neverthrow';
import { accessDenied, type AccessDeniedException } from '../../domain/index.js';

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface ParsedAuthorization {
  readonly accessKeyId: string;
  /** The credential scope: `date/region/service/terminator`. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  /** Lower-case header names, in the order the client listed them. */
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** SignedHeaders: lower-case header names (RFC 9110 tokens), separated by `;`. */
const SIGNED_HEADERS = /^[a-z0-9!#$%&'*+.^_`|~-]+(?:;[a-z0-9!#$%&'*+.^_`|~-]+)*$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

const incomplete = (message: string) => err(accessDenied('INCOMPLETE_SIGNATURE', message));

/** Whether `names` holds a name twice; SDKs list them sorted, which answers without a set. */
function hasDuplicate(names: readonly string[]): boolean {
  let previous = '';
  for (const name of names) {
    if (name <= previous) return new Set(names).size !== names.length;
    previous = name;
  }
  return false;
}

/**
 * Parses a SigV4 Authorization header. Anything but the AWS4-HMAC-SHA256 header form (a bearer token,
 * SigV4a, SigV2) is refused: the header must name the algorithm, a five-part credential scope, the signed
 * headers and a hex signature, each exactly once.
 */
export function parseAuthorization(header: string): Result<ParsedAuthorization, AccessDeniedException> {
  if (!header.startsWith(`${ALGORITHM} `)) {
    return err(
      accessDenied(
        'UNSUPPORTED_AUTHORIZATION',
        `Only ${ALGORITHM} signatures (SigV4, header form) are accepted.`,
      ),
    );
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  // Names other than the three, kept only to report one given twice.
  let others: Set<string> | undefined;
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return incomplete(`The Authorization header part "${part.trim()}" is not name=value.`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    let repeated: boolean;
    if (name === 'Credential') {
      repeated = credential !== undefined;
      credential = value;
    } else if (name === 'SignedHeaders') {
      repeated = signedHeaders !== undefined;
      signedHeaders = value;
    } else if (name === 'Signature') {
      repeated = signature !== undefined;
      signature = value;
    } else {
      others ??= new Set();
      repeated = others.has(name);
      others.add(name);
    }
    if (repeated) return incomplete(`The Authorization header repeats ${name}.`);
  }
  if (
    credential === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    others !== undefined
  ) {
    return incomplete('The Authorization header needs exactly Credential, SignedHeaders and Signature.');
  }
  const scope = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator === undefined ||
    scope.some((s) => s === '')
  ) {
    return incomplete('Credential must be <access key id>/<date>/<region>/<service>/aws4_request.');
  }
  const names = signedHeaders.split(';');
  if (!SIGNED_HEADERS.test(signedHeaders) || hasDuplicate(names)) {
    return incomplete('SignedHeaders must be distinct lower-case header names separated by ";".');
  }
  if (!SIGNATURE.test(signature)) return incomplete('Signature must be 64 lower-case hex digits.');
  return ok({ accessKeyId, date, region, service, terminator, signedHeaders: names, signature });
}

/** The number written by the ASCII digits of `text` from `from` to `to`, or NaN if any is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * Parses X-Amz-Date (`20240102T030405Z`); undefined unless it is a real instant in that exact form: every
 * field must survive the trip through a Date, so 30 February, hour 24 or second 60 are refused. Read digit
 * by digit rather than by a regular expression and a round trip through toISOString: it runs on every
 * request.
 */
export function parseAmzDate(value: string): Date | undefined {
  if (value.length !== 16 || value[8] !== 'T' || value[15] !== 'Z') return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 4, 6);
  const day = digitsAt(value, 6, 8);
  const hour = digitsAt(value, 9, 11);
  const minute = digitsAt(value, 11, 13);
  const second = digitsAt(value, 13, 15);
  // NaN fails every comparison below. Date.UTC reads years 0–99 as 1900–1999, which the year check refuses.
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
    ? date
    : undefined;
}

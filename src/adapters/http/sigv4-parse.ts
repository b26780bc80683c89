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
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

const incomplete = (message: string) => err(accessDenied('INCOMPLETE_SIGNATURE', message));

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
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return incomplete(`The Authorization header part "${part.trim()}" is not name=value.`);
    const name = part.slice(0, eq).trim();
    if (fields.has(name)) return incomplete(`The Authorization header repeats ${name}.`);
    fields.set(name, part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (
    credential === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    fields.size !== 3
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
  if (names.some((n) => !HEADER_NAME.test(n)) || new Set(names).size !== names.length) {
    return incomplete('SignedHeaders must be distinct lower-case header names separated by ";".');
  }
  if (!SIGNATURE.test(signature)) return incomplete('Signature must be 64 lower-case hex digits.');
  return ok({ accessKeyId, date, region, service, terminator, signedHeaders: names, signature });
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses X-Amz-Date (`20240102T030405Z`); undefined unless it is a real instant in that exact form. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrip = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return roundTrip === value ? date : undefined;
}

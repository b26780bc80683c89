import { err, ok, type Result } from 'neverthrow';
import { validationError, type ValidationException } from '../../domain/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * The JSON payload of a restJson1 request, as an object. An empty body is `{}` (a Create with no members
 * then fails on the required ones, which says more than "empty body"). A body that is not UTF-8 JSON, not
 * an object, or not sent as application/json is a ValidationException naming what was wrong.
 */
export function decodeJsonBody(
  raw: Uint8Array,
  contentType: string | undefined,
): Result<Record<string, unknown>, ValidationException> {
  if (raw.length === 0) return ok({});
  if (!isJsonMediaType(contentType)) {
    return err(
      validationError(
        'UNSUPPORTED_MEDIA_TYPE',
        'The request body must be JSON, sent with Content-Type: application/json.',
        { contentType: (contentType ?? '(none)').slice(0, 128) },
      ),
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(raw));
  } catch {
    // Invalid UTF-8, invalid JSON, or nesting deep enough to exhaust the parser's stack: all malformed.
    return err(validationError('MALFORMED_JSON', 'The request body is not valid JSON.'));
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return err(validationError('MALFORMED_JSON', 'The request body must be a JSON object.'));
  }
  return ok(parsed as Record<string, unknown>);
}

/** Refuses a body member that the operation binds to a path label or a header (restJson1 binds each once). */
export function checkUnboundMembers(
  body: Readonly<Record<string, unknown>>,
  boundMembers: readonly string[],
): Result<void, ValidationException> {
  const repeated = boundMembers.find((name) => Object.hasOwn(body, name));
  if (repeated === undefined) return ok(undefined);
  return err(
    validationError('INVALID_PARAMETER', `${repeated} is not a member of the request body.`, {
      field: repeated,
      rule: 'additionalProperties',
    }),
  );
}

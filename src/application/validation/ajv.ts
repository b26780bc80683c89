import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { err, ok, type Result } from 'neverthrow';
import { validationError, type ValidationException } from '../../domain/index.js';

// ajv-formats is published as CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One shared Ajv instance: schemas are compiled once, at module load, never per request. */
export const ajv = addFormats(
  new Ajv({ allErrors: false, strict: true, useDefaults: false, coerceTypes: false }),
);

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const params = error.params as Record<string, unknown>;
  const extra =
    typeof params.additionalProperty === 'string'
      ? params.additionalProperty
      : typeof params.missingProperty === 'string'
        ? params.missingProperty
        : undefined;
  if (extra === undefined) return path === '' ? '(root)' : path;
  return path === '' ? extra : `${path}.${extra}`;
}

/** Turns the first ajv error into a ValidationException that names the field and the rule broken. */
export function toValidationException(error: ErrorObject | undefined, what: string): ValidationException {
  if (error === undefined) return validationError('INVALID_PARAMETER', `The ${what} is not valid.`);
  const field = fieldOf(error);
  const rule = error.keyword;
  const message =
    rule === 'additionalProperties'
      ? `${field} is not a member of the ${what}.`
      : rule === 'required'
        ? `${field} is required.`
        : `${field} ${error.message ?? 'is not valid'}.`;
  return validationError('INVALID_PARAMETER', message, { field, rule });
}

/** Wraps a compiled ajv validator as a function returning a typed Result. */
export function resultValidator<T>(
  validate: ValidateFunction,
  what: string,
): (input: unknown) => Result<T, ValidationException> {
  return (input) =>
    validate(input) ? ok(input as T) : err(toValidationException(validate.errors?.[0], what));
}

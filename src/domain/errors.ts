/**
 * Errors are plain data: exactly what goes on the wire. `type` is the API's error name, `code` a more
 * specific reason a program can switch on, and `context` the facts behind it (always string to string,
 * as the API's `ExceptionContext` map is).
 */
export const ERROR_TYPES = [
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ConflictException',
  'ServiceQuotaExceededException',
  'ThrottlingException',
  'InternalServerErrorException',
] as const;

export type ErrorType = (typeof ERROR_TYPES)[number];

export interface ApiError<T extends ErrorType = ErrorType> {
  readonly type: T;
  readonly code: string;
  readonly message: string;
  readonly context: Readonly<Record<string, string>>;
}

export type ValidationException = ApiError<'ValidationException'>;
export type AccessDeniedException = ApiError<'AccessDeniedException'>;
export type ResourceNotFoundException = ApiError<'ResourceNotFoundException'>;
export type ConflictException = ApiError<'ConflictException'>;
export type ServiceQuotaExceededException = ApiError<'ServiceQuotaExceededException'>;
export type ThrottlingException = ApiError<'ThrottlingException'>;
export type InternalServerErrorException = ApiError<'InternalServerErrorException'>;

/** Every error the domain decides on its own; throttling and internal errors come from the edges. */
export type DomainError =
  | ValidationException
  | AccessDeniedException
  | ResourceNotFoundException
  | ConflictException
  | ServiceQuotaExceededException;

function make<T extends ErrorType>(type: T) {
  return (code: string, message: string, context: Readonly<Record<string, string>> = {}): ApiError<T> => ({
    type,
    code,
    message,
    context,
  });
}

export const validationError = make('ValidationException');
export const accessDenied = make('AccessDeniedException');
export const conflict = make('ConflictException');
export const quotaExceeded = make('ServiceQuotaExceededException');
export const throttled = make('ThrottlingException');
export const internalError = make('InternalServerErrorException');

/** A missing (or foreign, or deleted) resource; `context.resourceId` names it, as the API documents. */
export function resourceNotFound(resourceType: string, resourceId: string): ResourceNotFoundException {
  return {
    type: 'ResourceNotFoundException',
    code: `${resourceType.toUpperCase().replace(/[^A-Z]+/g, '_')}_NOT_FOUND`,
    message: `The ${resourceType} ${resourceId} does not exist.`,
    context: { resourceType, resourceId },
  };
}

// Field errors as k8s.io/apimachinery/pkg/util/validation/field renders them. kube-apiserver
// builds every 422 Invalid message from these, and kubectl prints them verbatim, so the texts
// here follow field.Error.ErrorBody() of Kubernetes v1.33 exactly.
import { goNumber, goQuote, goSyntax } from './values.ts';

export type FieldErrorType =
  | 'NotFound'
  | 'Required'
  | 'Duplicate'
  | 'Invalid'
  | 'TypeInvalid'
  | 'Unsupported'
  | 'NotSupported'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'Internal';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted field path, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** The detail text after the value, e.g. `spec.replicas in body should be ...`. */
  message: string;
  value?: unknown;
}

/** Headline of each error type (field.ErrorType.String()). */
const TYPE_TEXT: Record<FieldErrorType, string> = {
  NotFound: 'Not found',
  Required: 'Required value',
  Duplicate: 'Duplicate value',
  Invalid: 'Invalid value',
  TypeInvalid: 'Invalid value',
  Unsupported: 'Unsupported value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Internal: 'Internal error',
};

/** The StatusCause.reason kube-apiserver sends for each type (metav1.CauseType). */
const CAUSE_REASON: Record<FieldErrorType, string> = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  TypeInvalid: 'FieldValueTypeInvalid',
  Unsupported: 'FieldValueNotSupported',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
};

export function causeReason(type: FieldErrorType): string {
  return CAUSE_REASON[type];
}

/** Renders a bad value as ErrorBody does: %v for scalars, %q for strings, %#v otherwise. */
export function renderBadValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return goSyntax(value);
}

/** field.Error.ErrorBody(): everything after `<field>: `. */
export function errorBody(err: FieldError): string {
  const valueless =
    err.type === 'Required' || err.type === 'Forbidden' || err.type === 'TooLong' || err.type === 'Internal' ||
    !('value' in err);
  let s = TYPE_TEXT[err.type];
  if (!valueless) s += `: ${renderBadValue(err.value)}`;
  if (err.message.length > 0) s += `: ${err.message}`;
  return s;
}

/** field.Error.Error(): `<field>: <body>` (just the body when the field is empty). */
export function errorString(err: FieldError): string {
  return err.field ? `${err.field}: ${errorBody(err)}` : errorBody(err);
}

/** utilerrors.Aggregate formatting: one message bare, several in brackets; duplicates dropped. */
export function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0] ?? '';
  return `[${unique.join(', ')}]`;
}

// Constructors mirroring the field package, so call sites read like the Go code they emulate.
export const fieldErr = {
  required: (field: string, detail = ''): FieldError => ({ type: 'Required', field, message: detail }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'Invalid', field, value, message: detail }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'TypeInvalid', field, value, message: detail }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'Unsupported',
    field,
    value,
    message: supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '',
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'Duplicate', field, value, message: '' }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, message: detail }),
  tooLong: (field: string, value: unknown, maxLength: number): FieldError => ({
    type: 'TooLong',
    field,
    value,
    message: maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long',
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => {
    const e: FieldError = { type: 'TooMany', field, message: max >= 0 ? `must have at most ${max} items` : 'has too many items' };
    if (actual >= 0) e.value = actual;
    return e;
  },
};

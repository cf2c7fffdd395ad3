// Validation kube-apiserver performs for every kind (object names) and for the built-in kinds the
// simulator models closely (Deployments). Custom resources are validated against their CRD schema
// by the algebra; this module only produces FieldErrors in the same shape.
import type { FieldError } from './algebra/fieldErrors.ts';
import { fieldErr } from './algebra/fieldErrors.ts';
import type { KubeObject } from './types.ts';
import { getPath, isPlainObject } from './object-util.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED_KINDS = new Set(['/v1/Namespace', '/v1/Service']);

export function validateName(typeKey: string, name: string | undefined, generateName: string | undefined): FieldError[] {
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    return [fieldErr.required('metadata.name', 'name or generateName is required')];
  }
  if (name === undefined || name === '') return [];
  const label = LABEL_NAMED_KINDS.has(typeKey);
  const max = label ? 63 : 253;
  if (name.length > max) {
    return [fieldErr.invalid('metadata.name', name, `must be no more than ${max} characters`)];
  }
  const ok = label ? DNS1123_LABEL.test(name) : DNS1123_SUBDOMAIN.test(name);
  if (!ok) {
    const detail = label ? LABEL_MESSAGE : SUBDOMAIN_MESSAGE;
    return [fieldErr.invalid('metadata.name', name, detail)];
  }
  return [];
}

/** The checks of apps/v1 Deployment validation that an operator's mistakes typically hit. */
export function validateDeployment(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = obj.spec;
  if (!isPlainObject(spec)) {
    return [fieldErr.required('spec.selector')];
  }
  const replicas = spec.replicas;
  if (typeof replicas === 'number' && replicas < 0) {
    errors.push(fieldErr.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  }
  const matchLabels = getPath(spec, 'selector.matchLabels');
  if (!isPlainObject(spec.selector)) {
    errors.push(fieldErr.required('spec.selector'));
  } else if (isPlainObject(matchLabels)) {
    const templateLabels = getPath(spec, 'template.metadata.labels');
    const mismatch = Object.entries(matchLabels).some(([k, v]) => !isPlainObject(templateLabels) || templateLabels[k] !== v);
    if (mismatch) {
      errors.push(fieldErr.invalid('spec.template.metadata.labels', templateLabels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  const containers = getPath(spec, 'template.spec.containers');
  if (!Array.isArray(containers) || containers.length === 0) {
    errors.push(fieldErr.required('spec.template.spec.containers'));
  }
  return errors;
}

// CustomResourceDefinition behaviour: admission (validation of the definition itself, the
// NamesAccepted/Established conditions, registration of the served resource) and the cleanup
// controller that deletes every instance before a deleted CRD disappears, as kube-apiserver does.
import type { FieldError } from './algebra/fieldErrors.ts';
import { fieldErr } from './algebra/fieldErrors.ts';
import type { KubeObject, ResourceInfo } from './types.ts';
import type { CrdSpec, Registry } from './registry.ts';
import { getPath, isPlainObject, kubeTime } from './object-util.ts';

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

function validateCrd(crd: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = crd.spec;
  if (!isPlainObject(spec)) return [fieldErr.required('spec')];
  const group = spec.group;
  const plural = getPath(spec, 'names.plural');
  const kind = getPath(spec, 'names.kind');
  if (typeof group !== 'string' || group === '') errors.push(fieldErr.required('spec.group'));
  else if (!group.includes('.')) errors.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (typeof plural !== 'string' || plural === '') errors.push(fieldErr.required('spec.names.plural'));
  if (typeof kind !== 'string' || kind === '') errors.push(fieldErr.required('spec.names.kind'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    if (spec.scope === undefined) errors.push(fieldErr.required('spec.scope'));
    else errors.push(fieldErr.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  }
  const versions = spec.versions;
  if (!Array.isArray(versions) || versions.length === 0) {
    errors.push(fieldErr.invalid('spec.versions', versions ?? null, 'must have exactly one version marked as storage version'));
  } else {
    const storage = versions.filter((v) => isPlainObject(v) && v.storage === true).length;
    if (storage !== 1) {
      errors.push(fieldErr.invalid('spec.versions', versions.map((v) => (isPlainObject(v) ? v.name : v)), 'must have exactly one version marked as storage version'));
    }
    versions.forEach((v, i) => {
      if (!isPlainObject(v) || typeof v.name !== 'string' || v.name === '') errors.push(fieldErr.required(`spec.versions[${i}].name`));
      else if (!isPlainObject(getPath(v, 'schema.openAPIV3Schema'))) {
        errors.push(fieldErr.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
      }
    });
  }
  if (typeof plural === 'string' && typeof group === 'string' && crd.metadata.name !== `${plural}.${group}`) {
    errors.push(fieldErr.invalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  return errors;
}

function condition(previous: Condition[], type: string, status: string, reason: string, message: string, now: Date): Condition {
  const prior = previous.find((c) => c.type === type);
  const lastTransitionTime = prior !== undefined && prior.status === status ? prior.lastTransitionTime : kubeTime(now);
  return { type, status, reason, message, lastTransitionTime };
}

/**
 * Sets the CRD's status the way the apiextensions controllers do and (re)registers its resource
 * when the names are accepted. Runs synchronously on every CRD write so the resource is served as
 * soon as the create returns (kube-apiserver does this within milliseconds, asynchronously).
 */
function onWrite(registry: Registry, crd: KubeObject, now: Date): KubeObject {
  const spec = crd.spec as CrdSpec;
  const name = crd.metadata.name ?? '';
  const previous = (getPath(crd, 'status.conditions') as Condition[] | undefined) ?? [];
  const names = registry.checkCrdNames(name, spec);
  const terminating = crd.metadata.deletionTimestamp !== undefined;
  const conditions: Condition[] = [];
  if (names.accepted) {
    if (!terminating) registry.registerCrd(crd);
    conditions.push(condition(previous, 'NamesAccepted', 'True', 'NoConflicts', 'no conflicts found', now));
    conditions.push(condition(previous, 'Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted', now));
  } else {
    conditions.push(condition(previous, 'NamesAccepted', 'False', names.reason, names.message, now));
    conditions.push(condition(previous, 'Established', 'False', 'NotAccepted', 'not all names are accepted', now));
  }
  if (terminating) {
    conditions.push(condition(previous, 'Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress', now));
  }
  const storageVersion = spec.versions.find((v) => v.storage === true)?.name;
  const stored = (getPath(crd, 'status.storedVersions') as string[] | undefined) ?? [];
  const storedVersions = storageVersion !== undefined && !stored.includes(storageVersion) ? [...stored, storageVersion] : stored;
  const acceptedNames: Record<string, unknown> = { plural: spec.names.plural, kind: spec.names.kind, singular: spec.names.singular ?? spec.names.kind.toLowerCase() };
  acceptedNames.listKind = spec.names.listKind ?? `${spec.names.kind}List`;
  if (spec.names.shortNames !== undefined) acceptedNames.shortNames = spec.names.shortNames;
  if (spec.names.categories !== undefined) acceptedNames.categories = spec.names.categories;
  const finalizers = crd.metadata.finalizers ?? [];
  if (!terminating && !finalizers.includes(CRD_CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
  crd.status = { conditions, acceptedNames, storedVersions };
  return crd;
}

export const crdAdmission = { validate: validateCrd, onWrite };

/** Resources a CRD serves, for the cleanup controller. */
export function instancesResource(registry: Registry, crdName: string): ResourceInfo | undefined {
  return registry.all().find((i) => i.crdName === crdName);
}

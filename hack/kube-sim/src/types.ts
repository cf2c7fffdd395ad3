// Shapes shared by the simulator's modules. Objects are plain JSON: the simulator never needs
// typed Kubernetes models, and keeping them as JSON makes patching and schema work uniform.

import type { JSONSchemaProps } from './algebra/schema.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** One served resource (a plural of one group/version), built-in or defined by a CRD. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  /** 'status' and/or 'scale'. */
  subresources: string[];
  /** For the scale subresource: JSON paths in the object (CRD `scale` or the built-in ones). */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** Whether metadata.generation is maintained (every CR, and built-ins that have a spec). */
  tracksGeneration: boolean;
  /** OpenAPI v3 schema of the whole object (CRDs) or undefined (built-ins: permissive). */
  schema?: JSONSchemaProps;
  /** CRD additionalPrinterColumns; undefined means the built-in default columns. */
  printerColumns?: PrinterColumn[];
  /** True when the resource comes from a CustomResourceDefinition. */
  custom: boolean;
  /** Name of the CRD that defines it, for custom resources. */
  crdName?: string;
  /** Whether this version is the CRD's storage version (used for discovery ordering only). */
  storage?: boolean;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** group/version/Kind with '' for the core group, e.g. 'apps/v1/Deployment', '/v1/Service'. */
export function typeKeyOf(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
  return `${info.group}/${info.version}/${info.kind}`;
}

export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

/** Identity of a stored resource independent of the version it is read in. */
export function resourceKeyOf(info: Pick<ResourceInfo, 'group' | 'plural'>): string {
  return info.group === '' ? info.plural : `${info.plural}.${info.group}`;
}

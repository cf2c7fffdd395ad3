// The McpServer metadata the Pod Identity step keeps: the finalizer that holds deletion until the
// association is gone, and the annotation recording which association the operator created (so
// it can be deleted even after the spec moved to another cluster or mode). Written as a JSON
// patch guarded by a resourceVersion test: the finalizer list is shared with other controllers,
// and a stale cached view must fail (and be retried) rather than overwrite their entries.
import { IDENTITY } from '../../api/constants.ts';
import type { JsonPatchOp } from '../../kube/apply.ts';
import type { KubeObject } from '../../kube/types.ts';

export interface WantedIdentityMetadata {
  finalizer: boolean;
  /** "<cluster>/<associationId>", or undefined to drop the annotation. */
  recordedAssociation: string | undefined;
}

export function hasPodIdentityFinalizer(obj: KubeObject): boolean {
  return obj.metadata?.finalizers?.includes(IDENTITY.podIdentityFinalizer) ?? false;
}

export function recordedAssociationOf(obj: KubeObject): string | undefined {
  return obj.metadata?.annotations?.[IDENTITY.associationAnnotation];
}

/** JSON Pointer escaping of one path segment (RFC 6901). */
function pointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The patch that makes `live` match `wanted`; undefined when it already does. */
export function identityMetadataPatch(live: KubeObject, wanted: WantedIdentityMetadata): JsonPatchOp[] | undefined {
  const ops: JsonPatchOp[] = [];
  const finalizers = live.metadata?.finalizers;
  const index = finalizers?.indexOf(IDENTITY.podIdentityFinalizer) ?? -1;
  if (wanted.finalizer && index < 0) {
    ops.push(finalizers ? { op: 'add', path: '/metadata/finalizers/-', value: IDENTITY.podIdentityFinalizer } : { op: 'add', path: '/metadata/finalizers', value: [IDENTITY.podIdentityFinalizer] });
  } else if (!wanted.finalizer && index >= 0) {
    ops.push({ op: 'test', path: `/metadata/finalizers/${index}`, value: IDENTITY.podIdentityFinalizer }, { op: 'remove', path: `/metadata/finalizers/${index}` });
  }
  const annotations = live.metadata?.annotations;
  const current = annotations?.[IDENTITY.associationAnnotation];
  const annotationPath = `/metadata/annotations/${pointerSegment(IDENTITY.associationAnnotation)}`;
  if (wanted.recordedAssociation !== undefined && current !== wanted.recordedAssociation) {
    ops.push(annotations ? { op: 'add', path: annotationPath, value: wanted.recordedAssociation } : { op: 'add', path: '/metadata/annotations', value: { [IDENTITY.associationAnnotation]: wanted.recordedAssociation } });
  } else if (wanted.recordedAssociation === undefined && current !== undefined) {
    ops.push({ op: 'remove', path: annotationPath });
  }
  if (ops.length === 0) return undefined;
  const resourceVersion = live.metadata?.resourceVersion;
  return resourceVersion ? [{ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }, ...ops] : ops;
}

// The defaulting kube-apiserver applies to the built-in kinds the operator writes (apps/v1
// Deployment with its pod template, v1 Service), and canonical resource quantities — so a client
// that compares what it wrote with what it reads back sees what a real server returns. Pure.
import { canonicalQuantities } from '../../../operator/src/mcpserver/quantity.ts';
import type { KubeObject } from './types.ts';
import { isPlainObject } from './object-util.ts';

type Obj = Record<string, unknown>;

const orDefault = (o: Obj, key: string, value: unknown) => {
  if (o[key] === undefined) o[key] = value;
};
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

function defaultProbe(probe: unknown): void {
  if (!isPlainObject(probe)) return;
  orDefault(probe, 'timeoutSeconds', 1);
  orDefault(probe, 'periodSeconds', 10);
  orDefault(probe, 'successThreshold', 1);
  orDefault(probe, 'failureThreshold', 3);
  if (isPlainObject(probe.httpGet)) orDefault(probe.httpGet, 'scheme', 'HTTP');
}

/** imagePullPolicy: Always for :latest or no tag, IfNotPresent otherwise (digests included). */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  if (typeof c.image === 'string') orDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  orDefault(c, 'terminationMessagePath', '/dev/termination-log');
  orDefault(c, 'terminationMessagePolicy', 'File');
  for (const p of objects(c.ports)) orDefault(p, 'protocol', 'TCP');
  for (const e of objects(c.env)) {
    const from = e.valueFrom;
    if (isPlainObject(from) && isPlainObject(from.fieldRef)) orDefault(from.fieldRef, 'apiVersion', 'v1');
  }
  if (isPlainObject(c.resources)) {
    for (const key of ['limits', 'requests']) {
      const values = c.resources[key];
      if (isPlainObject(values)) c.resources[key] = canonicalQuantities(values as Record<string, string | number>);
    }
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
}

export function defaultPodSpec(spec: Obj): void {
  orDefault(spec, 'dnsPolicy', 'ClusterFirst');
  orDefault(spec, 'restartPolicy', 'Always');
  orDefault(spec, 'schedulerName', 'default-scheduler');
  orDefault(spec, 'securityContext', {});
  orDefault(spec, 'terminationGracePeriodSeconds', 30);
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) defaultContainer(c);
  for (const v of objects(spec.volumes)) {
    for (const source of ['secret', 'configMap']) if (isPlainObject(v[source])) orDefault(v[source], 'defaultMode', 420);
    if (isPlainObject(v.emptyDir) && isPlainObject(v.emptyDir) && v.emptyDir.sizeLimit !== undefined) v.emptyDir.sizeLimit = canonicalQuantities({ s: v.emptyDir.sizeLimit as string }).s;
  }
}

/** apps/v1 SetDefaults_Deployment and the pod template's defaults. */
export function defaultDeployment(obj: KubeObject): KubeObject {
  const d = structuredClone(obj) as unknown as Obj;
  const spec = isPlainObject(d.spec) ? d.spec : (d.spec = {});
  orDefault(spec, 'replicas', 1);
  orDefault(spec, 'revisionHistoryLimit', 10);
  orDefault(spec, 'progressDeadlineSeconds', 600);
  const strategy = isPlainObject(spec.strategy) ? spec.strategy : (spec.strategy = {});
  orDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = isPlainObject(strategy.rollingUpdate) ? strategy.rollingUpdate : (strategy.rollingUpdate = {});
    orDefault(rolling, 'maxSurge', '25%');
    orDefault(rolling, 'maxUnavailable', '25%');
  }
  const template = isPlainObject(spec.template) ? spec.template : undefined;
  if (template && isPlainObject(template.spec)) defaultPodSpec(template.spec);
  return d as unknown as KubeObject;
}

/** v1 Service defaults that do not depend on the cluster's IP allocation. */
export function defaultService(obj: KubeObject): KubeObject {
  const s = structuredClone(obj) as unknown as Obj;
  const spec = isPlainObject(s.spec) ? s.spec : (s.spec = {});
  orDefault(spec, 'type', 'ClusterIP');
  if (spec.type !== 'ExternalName') {
    orDefault(spec, 'sessionAffinity', 'None');
    orDefault(spec, 'internalTrafficPolicy', 'Cluster');
    orDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    orDefault(spec, 'ipFamilies', ['IPv4']);
  }
  for (const p of objects(spec.ports)) {
    orDefault(p, 'protocol', 'TCP');
    orDefault(p, 'targetPort', p.port);
  }
  return s as unknown as KubeObject;
}

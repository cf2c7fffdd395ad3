// The simulated kubelet plus the Deployment and ReplicaSet controllers: a Deployment gets one
// ReplicaSet per pod template (named <deployment>-<template hash>), the ReplicaSet gets pods, and
// statuses (replicas, readyReplicas, availableReplicas, updatedReplicas, observedGeneration,
// Available/Progressing conditions) follow the spec after a configurable delay.
//
// Like the real kubelet, a pod whose Secret or ConfigMap (volume, env valueFrom, envFrom) is
// missing does not start: its containers wait in ContainerCreating or CreateContainerConfigError
// (src/pod-references.ts) until the object appears, then the pod starts.
//
// Pods are only records unless a PodRunner recognises the Deployment: then each replica runs as a
// real local process (started by the runner), and the pod becomes Ready only once the container's
// readinessProbe.httpGet path answers 2xx on the runner's address. Scaled-down or deleted pods
// stop their process.
import { createHash } from 'node:crypto';
import type { Store, StoreEvent } from './store.ts';
import type { ResourceService } from './service.ts';
import type { Registry } from './registry.ts';
import type { KubeObject, ResourceInfo } from './types.ts';
import { WorkQueue } from './workqueue.ts';
import { ApiError } from './errors.ts';
import { getPath, isPlainObject, kubeTime, randomSuffix } from './object-util.ts';
import { podBlocker, type PodBlocker, type ReferencedKind } from './pod-references.ts';

/** A process started for a pod. */
export interface RunningPod {
  /** Where the pod's server listens, e.g. `http://127.0.0.1:40123`. */
  address: string;
  /** Stops the process; must resolve once it is gone. */
  stop(): Promise<void>;
  /** Resolves when the process ends on its own (the pod then fails and is replaced). */
  exited?: Promise<unknown>;
}

export interface PodRunner {
  /** Whether this runner runs the pods of this Deployment (called with its pod template). */
  matches(podTemplate: KubeObject, deployment: KubeObject): boolean;
  /** Starts a process for the pod; rejects when it cannot. */
  start(pod: KubeObject): Promise<RunningPod>;
}

export interface KubeletOptions {
  /** Delay between a Deployment change and its status/pods following it. */
  delayMs: number;
  /** Delay before a pod waiting for a Secret/ConfigMap is retried after one changed (default delayMs). */
  referenceRetryMs?: number | undefined;
  runners: PodRunner[];
  /** Interval of readiness probes for runner pods. */
  readinessPollMs?: number;
  log?: (line: string) => void;
}

interface RunnerPod {
  podKey: string;
  deploymentKey: string;
  running?: RunningPod;
  ready: boolean;
  stopped: boolean;
  timer?: NodeJS.Timeout;
}

/** A pod waiting for a Secret/ConfigMap; retried when one changes in its namespace. */
interface BlockedPod {
  namespace: string;
  name: string;
  /** undefined for a pod created directly (no ReplicaSet). */
  deploymentKey?: string;
  runner?: PodRunner;
  message: string;
}

const REFERENCED_RESOURCES: Record<string, ReferencedKind> = { secrets: 'Secret', configmaps: 'ConfigMap' };

const MANAGER = 'kube-controller-manager';
const DEPLOY_KEY = 'deployments.apps';
const RS_KEY = 'replicasets.apps';

function split(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export function templateHash(template: unknown): string {
  const hex = createHash('sha256').update(JSON.stringify(template ?? {})).digest('hex');
  // kube renders the FNV hash in a "safe" alphabet; a 10-character lowercase token is equivalent.
  return hex.slice(0, 10).replace(/[aeiou]/g, (c) => String('aeiou'.indexOf(c) + 2));
}

function isReady(pod: KubeObject): boolean {
  const conditions = getPath(pod, 'status.conditions');
  return Array.isArray(conditions) && conditions.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True');
}

export class Kubelet {
  private readonly store: Store;
  private readonly service: ResourceService;
  private readonly registry: Registry;
  private readonly opts: KubeletOptions;
  private readonly deployments: WorkQueue;
  private readonly pods: WorkQueue;
  private readonly runnerPods = new Map<string, RunnerPod>(); // by pod uid
  private readonly blockedPods = new Map<string, BlockedPod>(); // by pod uid
  private readonly unblock: WorkQueue;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(store: Store, service: ResourceService, registry: Registry, opts: KubeletOptions) {
    this.store = store;
    this.service = service;
    this.registry = registry;
    this.opts = opts;
    this.deployments = new WorkQueue('deployment-controller', (key) => this.reconcileDeployment(key));
    this.pods = new WorkQueue('kubelet', (key) => this.runStandalonePod(key));
    this.unblock = new WorkQueue('kubelet-references', (uid) => this.retryBlockedPod(uid));
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => this.onEvent(ev));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.deployments.stop();
    this.pods.stop();
    this.unblock.stop();
    this.blockedPods.clear();
    const all = [...this.runnerPods.values()];
    this.runnerPods.clear();
    await Promise.all(all.map((p) => this.stopRunner(p)));
  }

  async idle(): Promise<void> {
    await this.deployments.idle();
    await this.pods.idle();
    await this.unblock.idle();
  }

  /** Addresses of the ready, runner-backed pods of a Deployment. */
  endpointsFor(namespace: string, deploymentName: string): string[] {
    const key = `${namespace}/${deploymentName}`;
    const out: string[] = [];
    for (const p of this.runnerPods.values()) {
      if (p.deploymentKey === key && p.ready && p.running !== undefined && !p.stopped) out.push(p.running.address);
    }
    return out.sort();
  }

  /** `namespace/name` of the pods waiting for a missing Secret or ConfigMap. */
  waitingPods(): string[] {
    return [...this.blockedPods.values()].map((p) => `${p.namespace}/${p.name}`).sort();
  }

  private info(group: string, plural: string): ResourceInfo {
    const info = this.registry.lookup(group, 'v1', plural);
    if (info === undefined) throw new Error(`kube-sim: built-in resource ${plural} is not registered`);
    return info;
  }

  private onEvent(ev: StoreEvent): void {
    if (this.stopped) return;
    if (ev.resourceKey === DEPLOY_KEY) {
      if (ev.type === 'DELETED') return;
      const specChanged =
        ev.previous === undefined ||
        ev.previous.metadata.generation !== ev.object.metadata.generation ||
        getPath(ev.previous, 'status.observedGeneration') !== getPath(ev.object, 'status.observedGeneration');
      if (specChanged) this.deployments.addAfter(`${ev.namespace}/${ev.name}`, this.opts.delayMs);
      return;
    }
    if (REFERENCED_RESOURCES[ev.resourceKey] !== undefined) {
      if (ev.type === 'DELETED') return; // running containers keep what they were started with
      for (const [uid, blocked] of this.blockedPods) if (blocked.namespace === ev.namespace) this.unblock.addAfter(uid, this.opts.referenceRetryMs ?? this.opts.delayMs);
      return;
    }
    if (ev.resourceKey === 'pods') {
      const uid = ev.object.metadata.uid ?? '';
      if (ev.type === 'DELETED') {
        this.blockedPods.delete(uid);
        const rp = this.runnerPods.get(uid);
        if (rp !== undefined) {
          this.runnerPods.delete(uid);
          void this.stopRunner(rp);
        }
      } else if (ev.type === 'ADDED' && (ev.object.metadata.ownerReferences ?? []).length === 0 && getPath(ev.object, 'status.phase') === 'Pending') {
        this.pods.addAfter(`${ev.namespace}/${ev.name}`, this.opts.delayMs);
      }
      const deploymentKey = this.deploymentOfPod(ev.object);
      const relevant =
        ev.type !== 'MODIFIED' ||
        isReady(ev.object) !== isReady(ev.previous ?? ev.object) ||
        ev.object.metadata.deletionTimestamp !== ev.previous?.metadata.deletionTimestamp;
      if (deploymentKey !== undefined && relevant) {
        this.deployments.add(deploymentKey);
      }
    }
  }

  private deploymentOfPod(pod: KubeObject): string | undefined {
    const rsRef = (pod.metadata.ownerReferences ?? []).find((r) => r.kind === 'ReplicaSet');
    if (rsRef === undefined) return undefined;
    const rs = this.store.get(RS_KEY, pod.metadata.namespace ?? '', rsRef.name);
    const depRef = (rs?.metadata.ownerReferences ?? []).find((r) => r.kind === 'Deployment');
    return depRef === undefined ? undefined : `${pod.metadata.namespace ?? ''}/${depRef.name}`;
  }

  /** A pod created directly (not by a ReplicaSet) is "scheduled and started" after the delay. */
  private runStandalonePod(key: string): void {
    const [namespace, name] = split(key);
    const pod = this.store.get('pods', namespace, name);
    if (pod === undefined || getPath(pod, 'status.phase') !== 'Pending' || pod.metadata.deletionTimestamp !== undefined) return;
    this.startContainers(pod, undefined, undefined);
  }

  private readonly lookup = (kind: ReferencedKind, namespace: string, name: string): KubeObject | undefined =>
    this.store.get(kind === 'Secret' ? 'secrets' : 'configmaps', namespace, name);

  /** A Secret/ConfigMap changed in the pod's namespace: start the pod if nothing is missing now. */
  private retryBlockedPod(uid: string): void {
    const blocked = this.blockedPods.get(uid);
    if (blocked === undefined || this.stopped) return;
    const pod = this.store.get('pods', blocked.namespace, blocked.name);
    if (pod === undefined || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp !== undefined) {
      this.blockedPods.delete(uid);
      return;
    }
    this.startContainers(pod, blocked.runner, blocked.deploymentKey);
  }

  /** Starts the pod's containers, or leaves them waiting while a referenced object is missing. */
  private startContainers(pod: KubeObject, runner: PodRunner | undefined, deploymentKey: string | undefined): void {
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const uid = pod.metadata.uid ?? '';
    const blocker = podBlocker(pod, this.lookup);
    if (blocker !== undefined) {
      const previous = this.blockedPods.get(uid);
      this.blockedPods.set(uid, { namespace, name, ...(deploymentKey !== undefined && { deploymentKey }), ...(runner !== undefined && { runner }), message: blocker.message });
      if (previous?.message !== blocker.message) this.setPodStatus(namespace, name, this.runningStatus(pod, false, 'Pending', blocker));
      return;
    }
    this.blockedPods.delete(uid);
    if (runner === undefined || deploymentKey === undefined) {
      this.setPodStatus(namespace, name, this.runningStatus(pod, true));
      return;
    }
    this.setPodStatus(namespace, name, this.runningStatus(pod, false, 'Pending'));
    const rp: RunnerPod = { podKey: `${namespace}/${name}`, deploymentKey, ready: false, stopped: false };
    this.runnerPods.set(uid, rp);
    runner.start(pod).then(
      (running) => {
        rp.running = running;
        if (rp.stopped || this.stopped) {
          void running.stop();
          return;
        }
        this.setPodStatus(namespace, name, this.runningStatus(pod, false));
        running.exited?.then(() => this.onRunnerExit(rp, pod), () => this.onRunnerExit(rp, pod));
        this.probe(rp, pod);
      },
      (err: unknown) => {
        this.log(`kubelet: runner failed to start pod ${rp.podKey}: ${err instanceof Error ? err.message : String(err)}`);
        const status = this.runningStatus(pod, false, 'Failed');
        status.message = err instanceof Error ? err.message : String(err);
        this.setPodStatus(namespace, name, status);
      },
    );
  }

  /**
   * The pod status the kubelet reports. `waiting` (a missing Secret/ConfigMap) sets the containers'
   * waiting reason; a mount failure is reported only as ContainerCreating, as the real kubelet does
   * (its message goes to a FailedMount Event).
   */
  private runningStatus(pod: KubeObject, ready: boolean, phase = 'Running', waiting?: PodBlocker): Record<string, unknown> {
    const now = kubeTime(new Date());
    const containers = (getPath(pod, 'spec.containers') as { name?: string; image?: string }[] | undefined) ?? [];
    const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
    return {
      phase,
      conditions: [cond('PodScheduled', true), cond('Initialized', true), cond('ContainersReady', ready), cond('Ready', ready)],
      hostIP: '127.0.0.1',
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: (getPath(pod, 'status.startTime') as string | undefined) ?? now,
      containerStatuses: containers.map((c) => ({
        name: c.name ?? '',
        image: c.image ?? '',
        imageID: '',
        ready,
        started: phase === 'Running',
        restartCount: 0,
        state: phase === 'Running'
          ? { running: { startedAt: now } }
          : { waiting: waiting?.reason === 'CreateContainerConfigError' ? { reason: waiting.reason, message: waiting.message } : { reason: 'ContainerCreating' } },
      })),
    };
  }

  private reconcileDeployment(key: string): void {
    if (this.stopped) return;
    const [namespace, name] = split(key);
    const deployInfo = this.info('apps', 'deployments');
    const rsInfo = this.info('apps', 'replicasets');
    const deployment = this.store.get(DEPLOY_KEY, namespace, name);
    if (deployment === undefined || deployment.metadata.deletionTimestamp !== undefined) return;
    const desired = typeof getPath(deployment, 'spec.replicas') === 'number' ? (getPath(deployment, 'spec.replicas') as number) : 1;
    const template = (getPath(deployment, 'spec.template') as KubeObject | undefined) ?? { metadata: {} };
    const hash = templateHash(template);
    const rsName = `${name}-${hash}`;
    const ownerUid = deployment.metadata.uid ?? '';

    // Old ReplicaSets (other templates) go away; the garbage collector removes their pods.
    for (const dep of this.store.dependentsOf(ownerUid)) {
      if (dep.resourceKey === RS_KEY && dep.name !== rsName) this.deleteQuietly(rsInfo, dep.namespace, dep.name);
    }
    let rs = this.store.get(RS_KEY, namespace, rsName);
    const selector = (getPath(deployment, 'spec.selector') as Record<string, unknown> | undefined) ?? {};
    const matchLabels = { ...((selector.matchLabels as Record<string, string> | undefined) ?? {}), 'pod-template-hash': hash };
    const podLabels = { ...((getPath(template, 'metadata.labels') as Record<string, string> | undefined) ?? {}), 'pod-template-hash': hash };
    if (rs === undefined) {
      rs = this.service.create(rsInfo, namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace,
          labels: podLabels,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: ownerUid, controller: true, blockOwnerDeletion: true }],
        },
        spec: { replicas: desired, selector: { ...selector, matchLabels }, template: { ...template, metadata: { ...(template.metadata ?? {}), labels: podLabels } } },
      }, { manager: MANAGER });
    } else if (getPath(rs, 'spec.replicas') !== desired) {
      rs = this.service.mutate(rsInfo, namespace, rsName, MANAGER, (o) => {
        (o.spec as Record<string, unknown>).replicas = desired;
        return o;
      }) ?? rs;
    }

    const pods = this.podsOf(rs);
    const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
    const runner = this.opts.runners.find((r) => r.matches(template, deployment));
    for (let i = live.length; i < desired; i++) this.createPod(rs, namespace, podLabels, template, runner, key);
    if (live.length > desired) {
      const excess = [...live].sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (isReady(a) ? 1 : -1)).slice(0, live.length - desired);
      for (const pod of excess) this.deleteQuietly(this.info('', 'pods'), namespace, pod.metadata.name ?? '');
    }

    const current = this.podsOf(rs).filter((p) => p.metadata.deletionTimestamp === undefined);
    const ready = current.filter(isReady).length;
    this.service.mutate(rsInfo, namespace, rsName, MANAGER, (o) => {
      o.status = { replicas: current.length, fullyLabeledReplicas: current.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: o.metadata.generation ?? 1 };
      return o;
    }, 'status');
    this.service.mutate(deployInfo, namespace, name, MANAGER, (o) => {
      o.status = this.deploymentStatus(o, rsName, current.length, ready, desired);
      return o;
    }, 'status');
  }

  private deploymentStatus(dep: KubeObject, rsName: string, replicas: number, ready: number, desired: number): Record<string, unknown> {
    const now = kubeTime(new Date());
    const previous = (getPath(dep, 'status.conditions') as Record<string, unknown>[] | undefined) ?? [];
    const cond = (type: string, status: string, reason: string, message: string) => {
      const prior = previous.find((c) => c.type === type);
      const same = prior !== undefined && prior.status === status;
      const lastTransitionTime = same ? prior.lastTransitionTime : now;
      const lastUpdateTime = same && prior.reason === reason ? prior.lastUpdateTime : now;
      return { type, status, lastUpdateTime, lastTransitionTime, reason, message };
    };
    const available = ready >= desired;
    const complete = available && replicas === desired;
    const status: Record<string, unknown> = {
      observedGeneration: dep.metadata.generation ?? 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        available
          ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        complete
          ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
          : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
      ],
    };
    if (replicas - ready > 0) status.unavailableReplicas = replicas - ready;
    // kube-apiserver omits zero counts; keep the object shape the same.
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    return status;
  }

  private podsOf(rs: KubeObject): KubeObject[] {
    const out: KubeObject[] = [];
    for (const ref of this.store.dependentsOf(rs.metadata.uid ?? '')) {
      if (ref.resourceKey !== 'pods') continue;
      const pod = this.store.get('pods', ref.namespace, ref.name);
      if (pod !== undefined) out.push(pod);
    }
    return out;
  }

  private createPod(rs: KubeObject, namespace: string, labels: Record<string, string>, template: KubeObject, runner: PodRunner | undefined, deploymentKey: string): void {
    const podInfo = this.info('', 'pods');
    const rsName = rs.metadata.name ?? '';
    const pod = this.service.create(podInfo, namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rsName}-${randomSuffix()}`,
        namespace,
        labels,
        annotations: (getPath(template, 'metadata.annotations') as Record<string, string> | undefined) ?? {},
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...((template.spec as Record<string, unknown> | undefined) ?? {}), nodeName: 'kube-sim-node' },
    }, { manager: MANAGER });
    this.startContainers(pod, runner, deploymentKey);
  }

  private onRunnerExit(rp: RunnerPod, pod: KubeObject): void {
    if (rp.stopped || this.stopped) return;
    rp.ready = false;
    rp.stopped = true;
    if (rp.timer !== undefined) clearTimeout(rp.timer);
    const [namespace, name] = split(rp.podKey);
    this.log(`kubelet: process of pod ${rp.podKey} exited; replacing the pod`);
    this.setPodStatus(namespace, name, this.runningStatus(pod, false, 'Failed'));
    // The ReplicaSet replaces a failed pod: delete it so the controller creates a new one.
    this.deleteQuietly(this.info('', 'pods'), namespace, name);
  }

  /** Polls the readinessProbe (httpGet path) on the runner's address until it answers 2xx. */
  private probe(rp: RunnerPod, pod: KubeObject): void {
    const containers = (getPath(pod, 'spec.containers') as Record<string, unknown>[] | undefined) ?? [];
    const probePath = containers.map((c) => getPath(c, 'readinessProbe.httpGet.path')).find((p) => typeof p === 'string') as string | undefined;
    const [namespace, name] = split(rp.podKey);
    const markReady = (): void => {
      if (rp.stopped || this.stopped || rp.ready) return;
      rp.ready = true;
      this.setPodStatus(namespace, name, this.runningStatus(pod, true));
    };
    if (probePath === undefined) {
      markReady();
      return;
    }
    const interval = this.opts.readinessPollMs ?? 200;
    const attempt = (): void => {
      if (rp.stopped || this.stopped || rp.running === undefined) return;
      const url = `${rp.running.address}${probePath.startsWith('/') ? '' : '/'}${probePath}`;
      fetch(url, { signal: AbortSignal.timeout(Math.max(1000, interval * 5)) })
        .then(async (res) => {
          await res.body?.cancel();
          if (res.status >= 200 && res.status < 300) markReady();
          else rp.timer = setTimeout(attempt, interval);
        })
        .catch(() => {
          if (!rp.stopped && !this.stopped) rp.timer = setTimeout(attempt, interval);
        });
    };
    attempt();
  }

  private async stopRunner(rp: RunnerPod): Promise<void> {
    rp.stopped = true;
    rp.ready = false;
    if (rp.timer !== undefined) clearTimeout(rp.timer);
    if (rp.running !== undefined) {
      try {
        await rp.running.stop();
      } catch (err) {
        this.log(`kubelet: stopping pod ${rp.podKey} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private setPodStatus(namespace: string, name: string, status: Record<string, unknown>): void {
    if (this.stopped) return;
    this.service.mutate(this.info('', 'pods'), namespace, name, 'kubelet', (pod) => {
      if (pod.metadata.deletionTimestamp !== undefined) return undefined;
      pod.status = status;
      return pod;
    }, 'status');
  }

  private deleteQuietly(info: ResourceInfo, namespace: string, name: string): void {
    try {
      this.service.delete(info, namespace, name, { propagationPolicy: 'Background' }, { manager: MANAGER });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => console.error(l)))(`kube-sim ${line}`);
  }
}

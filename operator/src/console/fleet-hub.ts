// The fleet, live: one McpServer informer (list + watch, never a polling loop) whose changes are
// pushed to every connected browser as Server-Sent Events. Viewers behind the proxy see only the
// namespaces they may list McpServers in (asked with SubjectAccessReviews, cached).
import type { KubeClient } from '../kube/client.ts';
import { KubeApiError } from '../kube/errors.ts';
import { createInformer, type Informer } from '../kube/informer.ts';
import type { KubeObject } from '../kube/types.ts';
import type { Logger } from '../observability/logger.ts';
import { API_VERSION, GROUP, PLURAL } from '../api/constants.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { FleetEvent, FleetRow } from './api-types.ts';
import type { AccessReviewer } from './access.ts';
import { fleetRow, serverKey } from './fleet-row.ts';
import type { SseStream } from './sse.ts';
import type { Viewer } from './viewer.ts';

interface Subscriber {
  stream: SseStream;
  viewer: Viewer;
  /** namespace → may list (resolved once per connection). */
  namespaces: Map<string, Promise<boolean>>;
}

export interface FleetHubOptions {
  client: KubeClient;
  reviewer: AccessReviewer;
  logger: Logger;
  /** Only this namespace (the whole cluster when unset). */
  namespace?: string | undefined;
}

export class FleetHub {
  private readonly informer: Informer<KubeObject>;
  private readonly subscribers = new Set<Subscriber>();
  private readonly rows = new Map<string, FleetRow>();
  private readonly reviewer: AccessReviewer;
  private readonly namespace: string | undefined;
  private readonly client: KubeClient;
  /** Why the fleet cannot be listed, once known. */
  private problem: string | undefined;

  constructor(opts: FleetHubOptions) {
    this.reviewer = opts.reviewer;
    this.namespace = opts.namespace;
    this.client = opts.client;
    const path = opts.namespace ? `/apis/${API_VERSION}/namespaces/${opts.namespace}/${PLURAL}` : `/apis/${API_VERSION}/${PLURAL}`;
    this.informer = createInformer<KubeObject>({
      client: opts.client,
      name: 'console-mcpservers',
      path,
      stallTimeoutMs: 120_000,
      backoff: { initialMs: 500, maxMs: 30_000 },
      logger: opts.logger,
      onChange: (obj, kind) => this.changed(obj, kind === 'delete'),
      onSynced: () => this.setProblem(undefined),
    });
  }

  start(): void {
    this.informer.start();
    void this.checkOwnAccess();
  }

  private setProblem(message: string | undefined): void {
    if (message === this.problem) return;
    this.problem = message;
    const event: FleetEvent = message ? { type: 'problem', message } : { type: 'problem' };
    for (const s of this.subscribers) s.stream.send(event);
  }

  /**
   * The informer retries a failing list forever (with backoff, logged); two common causes are
   * checked once up front so the page can say why the fleet stays empty. Its first sync clears it.
   */
  private async checkOwnAccess(): Promise<void> {
    try {
      await this.client.request({ method: 'GET', path: `/apis/${API_VERSION}` });
    } catch (error) {
      if (error instanceof KubeApiError && error.statusCode === 404 && !this.informer.hasSynced()) {
        return this.setProblem(`The McpServer API (${API_VERSION}) is not served by this cluster: install the CRD first (kubectl apply -f crds/ or the Helm chart).`);
      }
    }
    try {
      const decision = await this.reviewer.can({ kind: 'self' }, { verb: 'list', group: GROUP, resource: PLURAL, ...(this.namespace ? { namespace: this.namespace } : {}) });
      if (decision.allowed || this.informer.hasSynced()) return;
      this.setProblem(`The console's identity may not list McpServers ${this.namespace ? `in namespace ${this.namespace}` : 'in all namespaces (start it with --namespace to show one namespace)'}.`);
    } catch {
      // The review itself failed (an old API server, a network blip): the informer's own errors are logged.
    }
  }

  async stop(): Promise<void> {
    for (const s of this.subscribers) s.stream.close();
    await this.informer.stop();
  }

  hasSynced(): boolean {
    return this.informer.hasSynced();
  }

  /** The cached McpServer, as the API served it. */
  get(namespace: string, name: string): McpServer | undefined {
    return this.informer.get(namespace, name) as McpServer | undefined;
  }

  /** Whether this viewer may see McpServers of this namespace. */
  mayList(viewer: Viewer, namespace: string): Promise<boolean> {
    // The kubeconfig identity and the ServiceAccount see what their own informer lists.
    if (viewer.kind !== 'user') return Promise.resolve(true);
    return this.reviewer
      .can(viewer, { namespace, verb: 'list', group: GROUP, resource: PLURAL })
      .then((d) => d.allowed)
      .catch(() => false);
  }

  /** Open event streams (the HTTP layer caps them). */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Sends the current fleet, then every change, until the stream closes. */
  subscribe(stream: SseStream, viewer: Viewer): void {
    const subscriber: Subscriber = { stream, viewer, namespaces: new Map() };
    this.subscribers.add(subscriber);
    stream.onClose(() => this.subscribers.delete(subscriber));
    if (this.problem) stream.send({ type: 'problem', message: this.problem } satisfies FleetEvent);
    void this.sendSnapshot(subscriber);
  }

  private visible(subscriber: Subscriber, namespace: string): Promise<boolean> {
    let decision = subscriber.namespaces.get(namespace);
    if (!decision) {
      decision = this.mayList(subscriber.viewer, namespace);
      subscriber.namespaces.set(namespace, decision);
    }
    return decision;
  }

  private async sendSnapshot(subscriber: Subscriber): Promise<void> {
    // Access checks are asynchronous; rows of a namespace that appeared meanwhile are checked in
    // the next round, so the snapshot is read only once every namespace in it is decided.
    const decided = new Map<string, boolean>();
    for (;;) {
      const pending = [...new Set([...this.rows.values()].map((r) => r.namespace))].filter((ns) => !decided.has(ns));
      if (pending.length === 0) break;
      await Promise.all(pending.map(async (ns) => decided.set(ns, await this.visible(subscriber, ns))));
    }
    const rows = [...this.rows.values()].filter((r) => decided.get(r.namespace) === true);
    subscriber.stream.send({ type: 'snapshot', rows } satisfies FleetEvent);
  }

  private changed(obj: KubeObject, deleted: boolean): void {
    const namespace = obj.metadata?.namespace ?? 'default';
    const key = serverKey(namespace, obj.metadata?.name ?? '');
    let event: FleetEvent;
    if (deleted) {
      this.rows.delete(key);
      event = { type: 'delete', key };
    } else {
      const row = fleetRow(obj as McpServer);
      const previous = this.rows.get(key);
      this.rows.set(key, row);
      // A resync or a change that touches nothing shown is not pushed.
      if (previous && JSON.stringify(previous) === JSON.stringify(row)) return;
      event = { type: 'upsert', row };
    }
    for (const subscriber of this.subscribers) {
      void this.visible(subscriber, namespace).then((ok) => ok && subscriber.stream.send(event));
    }
  }
}

// EKS Pod Identity associations owned by McpServers, kept idempotently in line with the spec:
// list the associations of namespace + ServiceAccount, create one when ours is missing, update
// its role when it changed, delete stale ones (another cluster, another ServiceAccount). An
// association is "ours" when its tags name the McpServer's uid; one the operator did not create
// is never changed or deleted (EKS allows one association per ServiceAccount, so it is reported
// as a conflict instead). A verified result is remembered for a while so a resync of an
// unchanged McpServer makes no EKS calls at all.
import { IDENTITY } from '../../api/constants.ts';
import type { Association, PodIdentityApi } from './eks-api.ts';

export interface AssociationOwner {
  uid: string;
  namespace: string;
  name: string;
}

export interface AssociationTarget {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
}

/** The association the operator created, as recorded on the McpServer ("<cluster>/<id>"). */
export interface RecordedAssociation {
  clusterName: string;
  associationId: string;
}

export type EnsureResult =
  | { ok: true; association: RecordedAssociation; action: 'created' | 'updated' | 'unchanged'; staleDeleted: number }
  | { ok: false; reason: 'AssociationConflict'; message: string };

export function formatRecorded(recorded: RecordedAssociation): string {
  return `${recorded.clusterName}/${recorded.associationId}`;
}

/** Parses the McpServer annotation; undefined when absent or not "<cluster>/<id>". */
export function parseRecorded(value: string | undefined): RecordedAssociation | undefined {
  const match = value?.match(/^([0-9A-Za-z][A-Za-z0-9_-]*)\/([A-Za-z0-9-]+)$/);
  return match ? { clusterName: match[1]!, associationId: match[2]! } : undefined;
}

export function ownerTags(owner: AssociationOwner): Record<string, string> {
  return { [IDENTITY.ownerUidTag]: owner.uid, [IDENTITY.ownerTag]: `${owner.namespace}/${owner.name}` };
}

function isOwnedBy(association: Association, owner: AssociationOwner): boolean {
  return association.tags[IDENTITY.ownerUidTag] === owner.uid;
}

function sameTarget(a: AssociationTarget, b: AssociationTarget): boolean {
  return a.clusterName === b.clusterName && a.namespace === b.namespace && a.serviceAccount === b.serviceAccount && a.roleArn === b.roleArn;
}

interface Verified {
  target: AssociationTarget;
  association: RecordedAssociation;
  at: number;
}

export interface PodIdentityAssociationsOptions {
  /** The EKS API, created on first use. */
  api: () => PodIdentityApi;
  /** How long a verified association is trusted without asking EKS again (default 10 min). */
  reverifyAfterMs?: number;
  now?: () => number;
}

export class PodIdentityAssociations {
  private readonly opts: PodIdentityAssociationsOptions;
  private apiInstance: PodIdentityApi | undefined;
  private readonly verified = new Map<string, Verified>();

  constructor(opts: PodIdentityAssociationsOptions) {
    this.opts = opts;
  }

  private get api(): PodIdentityApi {
    this.apiInstance ??= this.opts.api();
    return this.apiInstance;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /**
   * Makes EKS hold exactly one association of ours for `target`, and none elsewhere
   * (`recorded` is the one created earlier, possibly in another cluster). Throws EksApiError on
   * API failures (the caller retries with backoff).
   */
  async ensure(owner: AssociationOwner, target: AssociationTarget, recorded: RecordedAssociation | undefined): Promise<EnsureResult> {
    const cached = this.verified.get(owner.uid);
    if (
      cached &&
      sameTarget(cached.target, target) &&
      recorded?.clusterName === cached.association.clusterName &&
      recorded.associationId === cached.association.associationId &&
      this.now() - cached.at < (this.opts.reverifyAfterMs ?? 600_000)
    ) {
      return { ok: true, association: cached.association, action: 'unchanged', staleDeleted: 0 };
    }
    this.verified.delete(owner.uid);

    const summaries = await this.api.list(target.clusterName, target.namespace, target.serviceAccount);
    const ours: Association[] = [];
    const foreign: Association[] = [];
    for (const summary of summaries) {
      if (summary.serviceAccount !== target.serviceAccount) continue;
      const association = await this.api.describe(target.clusterName, summary.associationId);
      if (!association) continue;
      (isOwnedBy(association, owner) ? ours : foreign).push(association);
    }

    let staleDeleted = 0;
    let current: Association | undefined = ours[0];
    let action: 'created' | 'updated' | 'unchanged' = 'unchanged';
    // Duplicates of ours (a create whose answer was lost, then retried) are removed.
    for (const extra of ours.slice(1)) {
      if (await this.api.delete(target.clusterName, extra.associationId)) staleDeleted++;
    }
    if (!current && foreign.length > 0) {
      const other = foreign[0]!;
      return {
        ok: false,
        reason: 'AssociationConflict',
        message: `EKS cluster ${target.clusterName} already has Pod Identity association ${other.associationId} for ServiceAccount ${target.namespace}/${target.serviceAccount} (role ${other.roleArn}) that this McpServer did not create; EKS allows one per ServiceAccount: delete it, or use spec.identity.serviceAccountName to run as another ServiceAccount`,
      };
    }
    if (!current) {
      current = await this.api.create(target.clusterName, { namespace: target.namespace, serviceAccount: target.serviceAccount, roleArn: target.roleArn, tags: ownerTags(owner) });
      action = 'created';
    } else if (current.roleArn !== target.roleArn) {
      current = await this.api.updateRole(target.clusterName, current.associationId, target.roleArn);
      action = 'updated';
    }

    const association = { clusterName: target.clusterName, associationId: current.associationId };
    if (recorded && (recorded.clusterName !== association.clusterName || recorded.associationId !== association.associationId)) {
      if (await this.removeRecorded(owner, recorded)) staleDeleted++;
    }
    this.verified.set(owner.uid, { target: { ...target }, association, at: this.now() });
    return { ok: true, association, action, staleDeleted };
  }

  /**
   * Deletes every association of this McpServer: the recorded one, and any of ours in
   * `namespace` of the given clusters (an association created just before a crash, before it
   * could be recorded). Resolves with the number deleted; throws EksApiError on failure.
   */
  async removeAll(owner: AssociationOwner, clusters: readonly string[], recorded: RecordedAssociation | undefined): Promise<number> {
    this.verified.delete(owner.uid);
    let deleted = 0;
    if (recorded && (await this.removeRecorded(owner, recorded))) deleted++;
    for (const clusterName of new Set(clusters)) {
      for (const summary of await this.api.list(clusterName, owner.namespace)) {
        const association = await this.api.describe(clusterName, summary.associationId);
        if (association && isOwnedBy(association, owner) && (await this.api.delete(clusterName, association.associationId))) deleted++;
      }
    }
    return deleted;
  }

  /** Forget what was verified for a McpServer (it was deleted). */
  forget(ownerUid: string): void {
    this.verified.delete(ownerUid);
  }

  /** Deletes the recorded association when it is still ours; true when something was deleted. */
  private async removeRecorded(owner: AssociationOwner, recorded: RecordedAssociation): Promise<boolean> {
    const association = await this.api.describe(recorded.clusterName, recorded.associationId);
    if (!association || !isOwnedBy(association, owner)) return false;
    return this.api.delete(recorded.clusterName, recorded.associationId);
  }
}

// The pinned tool surface of one server: its digest, the baseline (approved or adopted), each
// tool's digest and drift, the tools withheld under enforcement, and the spec.tools.pinning
// snippet approving the current surface, copied with one click for a GitOps commit (the console
// never writes the spec itself).
import { useState } from 'preact/hooks';
import type { ToolSurfaceView } from '../../operator/src/console/api-types.ts';

const STATE_LABELS: Record<ToolSurfaceView['tools'][number]['state'], string> = {
  unchanged: 'unchanged',
  changed: 'changed since approved',
  added: 'new, not approved',
  unpinned: 'not pinned',
};

const BASELINE_LABELS: Record<ToolSurfaceView['baseline'], string> = {
  approved: 'approved digests in spec.tools.pinning.approved',
  adopted: 'adopted at the first verification (status.toolSurface.adopted)',
  none: 'none (spec.tools.pinning is not set)',
};

/** sha256:0123456789ab… — enough to tell digests apart at a glance; the full one is in the title. */
function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

export function ToolSurface(props: { surface: ToolSurfaceView }) {
  const { surface } = props;
  const [copied, setCopied] = useState<string>('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(surface.approveSnippet);
      setCopied('Copied the snippet to the clipboard.');
    } catch {
      setCopied('The clipboard is not available here: select the snippet below and copy it.');
    }
  };
  return (
    <section aria-labelledby="surface-title" data-testid="tool-surface">
      <h2 id="surface-title">Tool surface</h2>
      <dl class="surface-facts">
        <dt>Surface digest</dt><dd><code>{surface.digest}</code></dd>
        <dt>Pinning</dt><dd>{surface.mode ?? 'off'}</dd>
        <dt>Baseline</dt><dd>{BASELINE_LABELS[surface.baseline]}</dd>
        <dt>Withheld</dt><dd data-testid="surface-withheld">{surface.withheld.length > 0 ? surface.withheld.join(', ') : 'none'}</dd>
        <dt>Removed</dt><dd data-testid="surface-removed">{surface.removed.length > 0 ? surface.removed.join(', ') : 'none'}</dd>
      </dl>
      <table>
        <thead><tr><th scope="col">Tool</th><th scope="col">Digest</th><th scope="col">Baseline digest</th><th scope="col">Drift</th><th scope="col">Exposed</th></tr></thead>
        <tbody>
          {surface.tools.map((t) => (
            <tr key={t.name} data-tool={t.name}>
              <td><code>{t.name}</code></td>
              <td><code title={t.digest}>{short(t.digest)}</code></td>
              <td>{t.baselineDigest ? <code title={t.baselineDigest}>{short(t.baselineDigest)}</code> : '–'}</td>
              <td class={t.state === 'changed' || t.state === 'added' ? 'bad-text' : ''}>{STATE_LABELS[t.state]}</td>
              <td>{t.withheld ? 'withheld until approved' : 'yes'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 id="snippet-title">Approve the current surface</h3>
      <p>Commit this to the McpServer through GitOps (the console does not change the spec):</p>
      <button type="button" onClick={() => void copy()}>Copy approved digests (YAML)</button>
      <p role="status" data-testid="surface-copied">{copied}</p>
      <pre aria-labelledby="snippet-title" data-testid="surface-snippet" tabIndex={0}>{surface.approveSnippet}</pre>
    </section>
  );
}

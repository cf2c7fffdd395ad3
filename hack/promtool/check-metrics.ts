// Runs `promtool check metrics` on a Prometheus text exposition, for the tests of the
// operator's and the servers' /metrics. promtool comes from the Debian package prometheus
// (.ci/run installs it); exit code 3 means lint problems, which are returned as text.
import { spawnSync } from 'node:child_process';

export function promtoolCheckMetrics(exposition: string): { ok: boolean; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`promtool could not run (install the Debian package prometheus): ${run.error.message}`);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

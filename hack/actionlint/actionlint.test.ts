// The GitHub workflows checked by actionlint (built from its Go module, hack/actionlint), and the
// check shown to catch a broken workflow.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goTool } from '../gotool/build.ts';
import { execTool } from '../images/exec.ts';
import { REPO_ROOT } from '../images/paths.ts';

describe('GitHub workflows (actionlint)', function () {
  // The first run builds actionlint from the Go module proxy; later runs use the cache.
  this.timeout(900_000);
  let actionlint: string;

  before(async () => {
    actionlint = await goTool('actionlint', 'actionlint');
  });

  it('lint, test, e2e on K3s on push; images and chart on tags; and actionlint finds nothing', async () => {
    const dir = join(REPO_ROOT, '.github', 'workflows');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yml')).sort();
    assert.deepEqual(files, ['ci.yml', 'release.yml']);
    const out = await execTool(actionlint, ['-no-color', ...files.map((f) => join(dir, f))], { cwd: REPO_ROOT, timeoutMs: 120_000 });
    assert.equal(out.code, 0, out.stdout + out.stderr);
  });

  it('reports a workflow with an unknown event, a bad expression and a missing runs-on', async () => {
    const work = await mkdtemp(join(tmpdir(), 'mcpfleet-actionlint-'));
    try {
      await mkdir(join(work, '.github', 'workflows'), { recursive: true });
      const bad = join(work, '.github', 'workflows', 'bad.yml');
      await writeFile(bad, ['on: pushed', 'jobs:', '  x:', '    steps:', '      - run: echo ${{ github.nope( }}', ''].join('\n'));
      const out = await execTool(actionlint, ['-no-color', bad], { cwd: work, timeoutMs: 120_000 });
      assert.equal(out.code, 1, out.stdout + out.stderr);
      assert.match(out.stdout, /unknown Webhook event "pushed"/);
      assert.match(out.stdout, /"runs-on" section is missing/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

// Every npm script runs through hack/node.sh, which finds a Node >= 22.19 itself (re-exec with
// the Node of hack/node24.sh) or stops with one line naming the set-up command. The "old Node"
// here is a stand-in first on PATH that fails the version check, as Node 20 does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER = path.join(ROOT, 'hack/node.sh');

function fakeBin(dir: string, name: string, script: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`);
  chmodSync(path.join(dir, name), 0o755);
}

describe('hack/node.sh (the Node launcher of every npm script)', function () {
  this.timeout(60_000);
  let tmp = '';
  let oldNodeDir = '';
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'mcpfleet-node-'));
    oldNodeDir = path.join(tmp, 'old');
    // An old Node: fails the version check, prints v20 for --version, and cannot run .ts files.
    fakeBin(oldNodeDir, 'node', 'case "$1" in --version) echo v20.20.2 ;; *) echo "ERR_UNKNOWN_FILE_EXTENSION" >&2; exit 1 ;; esac');
    // npm on this PATH fails, so no test ever reaches the registry.
    fakeBin(oldNodeDir, 'npm', 'echo "npm: offline in this test" >&2; exit 1');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string>) =>
    spawnSync('sh', [LAUNCHER, ...args], { encoding: 'utf8', timeout: 30_000, env: { HOME: tmp, PATH: `${oldNodeDir}:/usr/bin:/bin`, ...env } });

  it('every npm script that runs Node goes through the launcher', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [name, command] of Object.entries(scripts)) {
      const direct = command.split('&&').map((part) => part.trim()).filter((part) => !part.startsWith('npm run ') && !part.startsWith('sh hack/node.sh '));
      assert.deepEqual(direct, [], `npm run ${name} starts ${direct.join(', ')} without hack/node.sh`);
    }
  });

  it('re-execs with the Node that hack/node24.sh provides when the one on PATH is too old, first on PATH for children', () => {
    // A cache holding a suitable Node (this one), so hack/node24.sh needs no download.
    const cache = path.join(tmp, 'cache');
    mkdirSync(path.join(cache, 'bin'), { recursive: true });
    symlinkSync(process.execPath, path.join(cache, 'bin', 'node'));
    const result = run(['-e', 'console.log(process.versions.node); console.log(process.env.PATH.split(":")[0])'], { MCPFLEET_NODE_CACHE: cache });
    assert.equal(result.status, 0, result.stderr);
    const [version, firstOnPath] = result.stdout.trim().split('\n');
    assert.equal(version, process.versions.node);
    assert.equal(firstOnPath, path.join(cache, 'bin'));
  });

  it('stops with one line naming the set-up command when no suitable Node can be had', () => {
    const result = run(['hack/demo/main.ts'], { MCPFLEET_NODE_CACHE: path.join(tmp, 'empty-cache') });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.equal(lines[0], 'mcpfleet needs Node.js >= 22.19 (found v20.20.2); set up with: export PATH="$(bash hack/node24.sh):$PATH" && npm ci');
  });

  it('runs the current Node directly when it is recent enough', () => {
    const result = spawnSync('sh', [LAUNCHER, '-p', 'process.execPath'], { encoding: 'utf8', timeout: 30_000, env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), process.execPath);
  });
});

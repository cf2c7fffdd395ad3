// The repository stands alone: no README, document or comment points at design material
// outside it or cites sections of such a document.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Built from parts so this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), ['', 'work', 'shared'].join('/'), ['DESIGN', '§'].join(' '), ['DESIGN', 'md'].join('.')];

describe('the repository stands alone', () => {
  it('no tracked file refers to design documents outside the repository', () => {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => f && !f.endsWith('package-lock.json') && !f.startsWith('node_modules/'));
    const hits: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(path.join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      for (const needle of OUTSIDE) if (text.includes(needle)) hits.push(`${file}: ${needle}`);
    }
    assert.deepEqual(hits, []);
  });

  it('the architecture document is in the repository and the README links it', () => {
    assert.match(readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8'), /^# /);
    assert.match(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /\(docs\/architecture\.md\)/);
  });
});

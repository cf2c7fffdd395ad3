import assert from 'node:assert/strict';
import { BoundedLineSplitter, type StderrRecord } from '../lib/stderr-lines.ts';

function split(max: number, chunks: (string | Buffer)[], end = false): StderrRecord[] {
  const records: StderrRecord[] = [];
  const splitter = new BoundedLineSplitter(max, (r) => records.push(r));
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  if (end) splitter.end();
  return records;
}

describe('stdio bridge: bounded stderr lines', () => {
  it('splits on newlines across chunks, drops CR and blank lines', () => {
    assert.deepEqual(split(100, ['one\r\ntw', 'o\n\n  \nthr', 'ee'], true), [
      { line: 'one', truncated: false },
      { line: 'two', truncated: false },
      { line: 'three', truncated: false },
    ]);
  });

  it('logs an over-long line truncated at the cap, then counts the rest until its newline', () => {
    assert.deepEqual(split(4, ['abcdefg', 'hij\nok\n']), [{ line: 'abcd', truncated: true }, { droppedBytes: 6 }, { line: 'ok', truncated: false }]);
    // A line of exactly the cap is whole.
    assert.deepEqual(split(4, ['abcd\n']), [{ line: 'abcd', truncated: false }]);
  });

  it('holds at most the cap while 10 MiB arrive without a newline', () => {
    const records: StderrRecord[] = [];
    const splitter = new BoundedLineSplitter(4_000, (r) => records.push(r));
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let peak = 0;
    for (let i = 0; i < 160; i += 1) {
      splitter.push(chunk);
      peak = Math.max(peak, splitter.bufferedBytes);
    }
    assert.ok(peak <= 4_000, `held ${peak} bytes`);
    assert.equal(records.length, 1, 'one truncated line, emitted at the cap');
    splitter.push(Buffer.from('\n'));
    assert.deepEqual(records[1], { droppedBytes: 160 * 64 * 1024 - 4_000 });
    assert.equal(splitter.bufferedBytes, 0);
  });

  it('refuses a cap that is not a positive integer', () => {
    assert.throws(() => new BoundedLineSplitter(0, () => {}), RangeError);
  });
});

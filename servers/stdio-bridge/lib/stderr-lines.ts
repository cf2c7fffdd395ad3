// Splits a child's stderr into log lines while holding at most `maxLineBytes` of it. readline
// would buffer a line until its newline arrives, so a child writing megabytes without one grows
// the bridge's memory without bound; here an over-long line is logged truncated as soon as it
// reaches the cap, the rest of it is counted and dropped, and the count is reported when the line
// finally ends.

export type StderrRecord = { line: string; truncated: boolean } | { droppedBytes: number };

const NEWLINE = 0x0a;

export class BoundedLineSplitter {
  private readonly maxLineBytes: number;
  private readonly emit: (record: StderrRecord) => void;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes dropped from the current over-long line; > 0 while discarding up to its newline. */
  private droppedBytes = 0;
  private discarding = false;

  constructor(maxLineBytes: number, emit: (record: StderrRecord) => void) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError('maxLineBytes must be a positive integer');
    this.maxLineBytes = maxLineBytes;
    this.emit = emit;
  }

  /** Bytes of the current, unfinished line held in memory (never more than the cap). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.append(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    this.endLine();
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.droppedBytes += part.length;
      return;
    }
    const room = this.maxLineBytes - this.pendingBytes;
    // Copies, so a kept slice does not pin the whole chunk it came from.
    this.pending.push(Buffer.from(part.subarray(0, room)));
    this.pendingBytes += Math.min(part.length, room);
    if (part.length <= room) return;
    this.droppedBytes += part.length - room;
    this.discarding = true;
    this.emitPending(true);
  }

  private endLine(): void {
    if (this.discarding) {
      this.emit({ droppedBytes: this.droppedBytes });
      this.discarding = false;
      this.droppedBytes = 0;
      return;
    }
    this.emitPending(false);
  }

  private emitPending(truncated: boolean): void {
    const text = Buffer.concat(this.pending, this.pendingBytes).toString('utf8').replace(/\r$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    if (text.trim() !== '') this.emit({ line: text, truncated });
  }
}

// Rewrites a text/event-stream on the fly, event by event: each `data:` payload is handed to
// `transform` as soon as its event ends, everything else (ids, retry, comments, keep-alives)
// passes untouched, and nothing waits for the stream to end. One event is buffered at most,
// bounded by `maxEventBytes` (a longer one fails the stream instead of growing without limit).
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export class SseRewriter extends Transform {
  private pending = '';
  private readonly transform: (data: string) => string;
  private readonly maxEventBytes: number;

  constructor(transform: (data: string) => string, maxEventBytes: number) {
    super();
    this.transform = transform;
    this.maxEventBytes = maxEventBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending += chunk.toString('utf8');
    let end: number;
    while ((end = this.eventEnd()) >= 0) {
      const separatorLength = this.pending.startsWith('\r\n\r\n', end) ? 4 : 2;
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + separatorLength);
      this.push(`${this.rewrite(event)}\n\n`);
    }
    if (Buffer.byteLength(this.pending) > this.maxEventBytes) return done(new Error(`an SSE event from the upstream exceeds ${this.maxEventBytes} bytes`));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 0) this.push(this.rewrite(this.pending));
    done();
  }

  private eventEnd(): number {
    const lf = this.pending.indexOf('\n\n');
    const crlf = this.pending.indexOf('\r\n\r\n');
    if (lf < 0) return crlf;
    if (crlf < 0) return lf;
    return Math.min(lf, crlf);
  }

  private rewrite(event: string): string {
    const lines = event.split(/\r?\n/);
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (data.length === 0) return lines.join('\n');
    const rewritten = this.transform(data.join('\n'));
    const others = lines.filter((line) => !line.startsWith('data:'));
    return [...others, ...rewritten.split('\n').map((line) => `data: ${line}`)].join('\n');
  }
}

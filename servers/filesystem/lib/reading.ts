// read_file: text comes back as UTF-8; binary content (a NUL byte, or bytes that are not valid
// UTF-8) comes back base64-encoded with encoding: "base64", so no byte is lost or mangled. Reads
// are capped at FS_MAX_READ_BYTES as sent (content travels twice: structured and as text); larger
// files are read in parts with offset/length, a part that would not fit is shortened. The file is
// read through a descriptor proven to lie inside the root (paths.ts, descriptors.ts); anything
// but a regular file (FIFO, device, socket) is refused from its O_PATH descriptor, never opened.
import { constants } from 'node:fs';
import { sentBytes } from '../../kit/toolResult.ts';
import { assertRegularFile, reopen, type FileRules } from './descriptors.ts';
import { FsError, fromSystemError } from './errors.ts';
import { openExisting, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export type ReadEncoding = 'auto' | 'utf8' | 'base64';

export interface ReadOptions extends FileRules {
  maxBytes: number;
  offset?: number;
  length?: number;
  encoding: ReadEncoding;
}

export interface FileContent {
  root: string;
  path: string;
  /** Size of the whole file in bytes. */
  size: number;
  offset: number;
  bytesRead: number;
  encoding: 'utf8' | 'base64';
  content: string;
  /** True when bytes remain after offset + bytesRead. */
  more: boolean;
}

export async function readFileContent(root: Root, path: RelativePath, options: ReadOptions): Promise<FileContent> {
  const offset = options.offset ?? 0;
  if (options.length !== undefined && options.length > options.maxBytes) {
    throw new FsError(`length ${options.length} is more than the read limit of ${options.maxBytes} bytes (FS_MAX_READ_BYTES); read in smaller parts.`, 'too_large');
  }
  const entry = await openExisting(root, path);
  let handle;
  try {
    assertRegularFile(entry.stats, path.shown, options);
    handle = await reopen(entry, constants.O_RDONLY, path.shown);
  } finally {
    await entry.handle.close();
  }
  try {
    const stats = await handle.stat();
    const remaining = Math.max(0, stats.size - offset);
    if (options.length === undefined && remaining > options.maxBytes) {
      throw new FsError(
        `"${path.shown}" is ${stats.size} bytes, more than the read limit of ${options.maxBytes} bytes (FS_MAX_READ_BYTES). Read it in parts with offset and length (length at most ${options.maxBytes}).`,
        'too_large',
      );
    }
    const wanted = Math.min(remaining, options.length ?? remaining);
    const buffer = Buffer.alloc(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break; // The file shrank while we read it.
      filled += bytesRead;
    }
    const resultFor = (count: number): FileContent => {
      const { encoding, content } = encode(buffer.subarray(0, count), options.encoding);
      return { root: root.name, path: path.shown, size: stats.size, offset, bytesRead: count, encoding, content, more: offset + count < stats.size };
    };
    const whole = resultFor(filled);
    if (sentBytes(whole) <= options.maxBytes) return whole;
    // The cap holds for what is sent (the content travels twice, escaped): a part that fits.
    const fitting = largestFittingPart(buffer.subarray(0, filled), options.maxBytes, resultFor);
    if (options.length === undefined) {
      throw new FsError(
        `"${path.shown}" is ${stats.size} bytes; sent as ${whole.encoding} it would take ${sentBytes(whole)} bytes, more than the read limit of ${options.maxBytes} bytes (FS_MAX_READ_BYTES), since content is sent twice (structured and as text). Read it in parts with offset and length (length at most ${fitting.bytesRead} here).`,
        'too_large',
      );
    }
    return fitting;
  } catch (error) {
    fromSystemError(error, path.shown);
  } finally {
    await handle.close();
  }
}

/** The longest prefix of `bytes` whose result fits `maxBytes` as sent, cut on a UTF-8 boundary. */
function largestFittingPart(bytes: Buffer, maxBytes: number, resultFor: (count: number) => FileContent): FileContent {
  let count = bytes.length;
  let result = resultFor(count);
  // Proportional guesses converge in a few steps; each step shrinks by at least 5%.
  for (let step = 0; step < 60 && count > 0 && sentBytes(result) > maxBytes; step += 1) {
    count = Math.min(Math.floor(count * 0.95), Math.floor((count * maxBytes) / sentBytes(result)));
    while (count > 0 && count < bytes.length && ((bytes[count] ?? 0) & 0xc0) === 0x80) count -= 1;
    result = resultFor(count);
  }
  return result;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encode(bytes: Buffer, requested: ReadEncoding): { encoding: 'utf8' | 'base64'; content: string } {
  if (requested === 'base64') return { encoding: 'base64', content: bytes.toString('base64') };
  if (requested === 'utf8') return { encoding: 'utf8', content: bytes.toString('utf8') };
  if (bytes.includes(0)) return { encoding: 'base64', content: bytes.toString('base64') };
  try {
    return { encoding: 'utf8', content: strictUtf8.decode(bytes) };
  } catch {
    return { encoding: 'base64', content: bytes.toString('base64') };
  }
}

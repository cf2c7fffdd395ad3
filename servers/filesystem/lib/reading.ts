// read_file: text comes back as UTF-8; binary content (a NUL byte, or bytes that are not valid
// UTF-8) comes back base64-encoded with encoding: "base64", so no byte is lost or mangled. Reads
// are capped at FS_MAX_READ_BYTES; larger files are read in parts with offset/length. The file is
// read through a descriptor proven to lie inside the root (paths.ts, descriptors.ts); anything
// but a regular file (FIFO, device, socket) is refused from its O_PATH descriptor, never opened.
import { constants } from 'node:fs';
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
    const bytes = buffer.subarray(0, filled);
    const { encoding, content } = encode(bytes, options.encoding);
    return {
      root: root.name,
      path: path.shown,
      size: stats.size,
      offset,
      bytesRead: filled,
      encoding,
      content,
      more: offset + filled < stats.size,
    };
  } catch (error) {
    fromSystemError(error, path.shown);
  } finally {
    await handle.close();
  }
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

// write_file: content (UTF-8 text or base64) written to a path inside the root, size-capped by
// FS_MAX_WRITE_BYTES. The target is opened by its checked real path with O_NOFOLLOW, so a
// symlink planted after the check is not followed.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { FsError, fromSystemError } from './errors.ts';
import { resolveForWrite, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export interface WriteOptions {
  content: string;
  encoding: 'utf8' | 'base64';
  ifExists: 'overwrite' | 'fail';
  createParents: boolean;
  maxBytes: number;
}

export interface WriteResult {
  root: string;
  path: string;
  bytesWritten: number;
  created: boolean;
}

export async function writeFileContent(root: Root, path: RelativePath, options: WriteOptions): Promise<WriteResult> {
  const bytes = decode(options.content, options.encoding);
  if (bytes.byteLength > options.maxBytes) {
    throw new FsError(
      `the content is ${bytes.byteLength} bytes, more than the write limit of ${options.maxBytes} bytes (FS_MAX_WRITE_BYTES). Write a smaller file.`,
      'too_large',
    );
  }
  const target = await resolveForWrite(root, path, options.createParents);
  let created = true;
  let handle;
  try {
    handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST' || options.ifExists === 'fail') fromSystemError(error, path.shown);
    created = false;
    try {
      handle = await open(target, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
    } catch (reopenError) {
      fromSystemError(reopenError, path.shown);
    }
  }
  try {
    await handle.writeFile(bytes);
  } catch (error) {
    fromSystemError(error, path.shown);
  } finally {
    await handle.close();
  }
  return { root: root.name, path: path.shown, bytesWritten: bytes.byteLength, created };
}

function decode(content: string, encoding: 'utf8' | 'base64'): Buffer {
  if (encoding === 'utf8') return Buffer.from(content, 'utf8');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content.replace(/\s+/g, '')) || content.replace(/\s+/g, '').length % 4 !== 0) {
    throw new FsError('content is not valid base64; send text with encoding "utf8", or valid base64 with encoding "base64".', 'invalid_request');
  }
  return Buffer.from(content, 'base64');
}

// write_file: content (UTF-8 text or base64) written to a path inside the root, size-capped by
// FS_MAX_WRITE_BYTES. The file is created (or found) relative to a directory descriptor proven to
// lie inside the root, with O_NOFOLLOW on its name, so neither a symlink planted at the name nor a
// directory swapped on the way can send the bytes elsewhere. An existing entry must be a regular
// file with one link (unless FS_ALLOW_HARDLINKS), checked on its O_PATH descriptor before opening.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { assertRegularFile, openVerified, reopen, type FileRules } from './descriptors.ts';
import { FsError, fromSystemError } from './errors.ts';
import { openWriteTarget, type RelativePath } from './paths.ts';
import type { Root } from './roots.ts';

export interface WriteOptions extends FileRules {
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
  const target = await openWriteTarget(root, path, options.createParents);
  const entryPath = join(target.directory.link, target.name);
  let created = true;
  let handle: FileHandle;
  try {
    try {
      handle = await open(entryPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST' || options.ifExists === 'fail') fromSystemError(error, path.shown);
      created = false;
      handle = await openExistingForWrite(target.rootReal, entryPath, path.shown, options);
    }
  } finally {
    await target.directory.handle.close();
  }
  try {
    if (!created) await handle.truncate(0);
    await handle.writeFile(bytes);
  } catch (error) {
    fromSystemError(error, path.shown);
  } finally {
    await handle.close();
  }
  return { root: root.name, path: path.shown, bytesWritten: bytes.byteLength, created };
}

async function openExistingForWrite(rootReal: string, entryPath: string, shown: string, rules: FileRules): Promise<FileHandle> {
  const entry = await openVerified(rootReal, entryPath, shown);
  try {
    assertRegularFile(entry.stats, shown, rules);
    return await reopen(entry, constants.O_WRONLY, shown);
  } finally {
    await entry.handle.close();
  }
}

function decode(content: string, encoding: 'utf8' | 'base64'): Buffer {
  if (encoding === 'utf8') return Buffer.from(content, 'utf8');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content.replace(/\s+/g, '')) || content.replace(/\s+/g, '').length % 4 !== 0) {
    throw new FsError('content is not valid base64; send text with encoding "utf8", or valid base64 with encoding "base64".', 'invalid_request');
  }
  return Buffer.from(content, 'base64');
}

// Domain failures of the filesystem lib; messages say what to change and show paths only as the
// caller gave them (relative to a root), never the server's absolute layout.

export type FsErrorCode =
  | 'invalid_path'
  | 'unknown_root'
  | 'not_found'
  | 'outside_root'
  | 'not_a_directory'
  | 'is_a_directory'
  | 'not_a_file'
  | 'hard_link'
  | 'too_large'
  | 'already_exists'
  | 'permission_denied'
  | 'invalid_request';

export class FsError extends Error {
  override readonly name = 'FsError';
  readonly code: FsErrorCode;

  constructor(message: string, code: FsErrorCode) {
    super(message);
    this.code = code;
  }
}

/** Maps an operating-system error on `shownPath` (relative) to an FsError; anything unknown is rethrown. */
export function fromSystemError(error: unknown, shownPath: string): never {
  if (error instanceof FsError) throw error;
  const code = (error as { code?: unknown }).code;
  const shown = shownPath === '' ? 'the root' : `"${shownPath}"`;
  switch (code) {
    case 'ENOENT':
      throw new FsError(`no such file or directory: ${shown}. Call list_directory or search_files to find the right path.`, 'not_found');
    case 'ENOTDIR':
      throw new FsError(`${shown} goes through something that is not a directory. Check each part of the path.`, 'not_a_directory');
    case 'EISDIR':
      throw new FsError(`${shown} is a directory; use list_directory for directories.`, 'is_a_directory');
    case 'EACCES':
    case 'EPERM':
      throw new FsError(`permission denied for ${shown}: the server's user may not access it.`, 'permission_denied');
    case 'ELOOP':
      throw new FsError(`${shown} is a symbolic link (or a loop of them) that cannot be followed here.`, 'outside_root');
    case 'EEXIST':
      throw new FsError(`${shown} already exists; pass ifExists: "overwrite" to replace it.`, 'already_exists');
    case 'ENAMETOOLONG':
      throw new FsError(`${shown} is too long: a name has at most 255 bytes and a whole path at most 4096.`, 'invalid_path');
    case 'ENXIO':
      throw new FsError(`${shown} is not a regular file (device, socket or pipe) and cannot be opened.`, 'not_a_file');
    case 'ENOSPC':
    case 'EROFS':
      throw new FsError(`cannot write ${shown}: the volume is full or read-only.`, 'permission_denied');
    default:
      throw error;
  }
}

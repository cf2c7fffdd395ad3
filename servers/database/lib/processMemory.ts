// Resident memory of another process, read from /proc (Linux): the query processes are watched
// from outside because a process stuck in a native SQLite step cannot report on itself.
import { readFile } from 'node:fs/promises';

const PAGE_BYTES = 4096;

/** Resident set size in bytes, or undefined when the process is gone. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const statm = await readFile(`/proc/${pid}/statm`, 'utf8');
    const resident = Number(statm.split(' ')[1]);
    return Number.isFinite(resident) ? resident * PAGE_BYTES : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A directory stream of the files feature: the entries of one directory (`.` and `..` first, as
 * readdir(3) returns them), handed out in order by ReadDir, ReadDirBatch and GetDEnts64.
 *
 * @module
 */
import type { DirEntry } from "./file_types.ts";

/** `DT_*` values of `<dirent.h>`. */
export const DT = { UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, BLK: 6, REG: 8, LNK: 10, SOCK: 12 };

/**
 * The `DT_*` type of a stat result.
 *
 * @param info an lstat result
 * @returns the dirent type byte
 */
export function direntType(info: Deno.FileInfo): number {
  if (info.isSymlink) return DT.LNK;
  if (info.isDirectory) return DT.DIR;
  if (info.isFile) return DT.REG;
  if (info.isFifo) return DT.FIFO;
  if (info.isCharDevice) return DT.CHR;
  if (info.isBlockDevice) return DT.BLK;
  if (info.isSocket) return DT.SOCK;
  return DT.UNKNOWN;
}

/**
 * Bytes one entry takes in a `linux_dirent64` buffer: 19 header bytes, the name and its NUL,
 * rounded up to 8.
 *
 * @param name the entry name
 * @returns the record length
 */
export function dirent64Size(name: string): number {
  const length = 19 + new TextEncoder().encode(name).length + 1;
  return Math.ceil(length / 8) * 8;
}

/** The entries of one directory and how far the client has read them. */
export class DirStream {
  private next = 0;

  private constructor(private readonly entries: DirEntry[]) {}

  /**
   * Lists a directory.
   *
   * @param hostPath the directory as the agent reaches it
   * @returns the stream, positioned at the first entry
   */
  static async open(hostPath: string): Promise<DirStream> {
    const base = hostPath.replace(/\/+$/, "") || "/";
    const self = await Deno.stat(base);
    const parent = await Deno.stat(`${base}/..`).catch(() => self);
    const entries: DirEntry[] = [
      { inode: BigInt(self.ino ?? 0), position: 1n, name: ".", file_type: DT.DIR },
      { inode: BigInt(parent.ino ?? 0), position: 2n, name: "..", file_type: DT.DIR },
    ];
    for await (const entry of Deno.readDir(base)) {
      let inode = 0n;
      let type = entry.isDirectory ? DT.DIR : entry.isSymlink ? DT.LNK : DT.REG;
      try {
        const info = await Deno.lstat(`${base}/${entry.name}`);
        inode = BigInt(info.ino ?? 0);
        type = direntType(info);
      } catch {
        // Removed while listing: keep what readdir said.
      }
      entries.push({
        inode,
        position: BigInt(entries.length + 1),
        name: entry.name,
        file_type: type,
      });
    }
    return new DirStream(entries);
  }

  /** @returns the next entry, or null at the end */
  read(): DirEntry | null {
    return this.entries[this.next++] ?? null;
  }

  /**
   * @param amount the most entries to return
   * @returns up to `amount` next entries
   */
  readBatch(amount: number): DirEntry[] {
    const batch = this.entries.slice(this.next, this.next + amount);
    this.next += batch.length;
    return batch;
  }

  /**
   * The next entries that fit a getdents64 buffer.
   *
   * @param bufferSize the client's buffer size in bytes
   * @returns the entries and the bytes they take; `fits: false` when even the first entry does not
   */
  readDents(bufferSize: number): { entries: DirEntry[]; resultSize: number; fits: boolean } {
    const entries: DirEntry[] = [];
    let resultSize = 0;
    while (this.next < this.entries.length) {
      const entry = this.entries[this.next];
      const size = dirent64Size(entry.name);
      if (resultSize + size > bufferSize) break;
      resultSize += size;
      entries.push(entry);
      this.next++;
    }
    const fits = entries.length > 0 || this.next >= this.entries.length;
    return { entries, resultSize, fits };
  }
}

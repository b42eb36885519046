/**
 * The files feature: one {@link FileManager} per client, holding that client's remote fds. Paths
 * are resolved inside the target root (see root_path.ts); OS failures are thrown as they are and
 * turned into `RemoteIO` errors by the caller, bad fds as {@link RemoteFdError}.
 *
 * @module
 */
import { accessPath, statFs } from "../ffi/libc.ts";
import { DirStream } from "./dir_stream.ts";
import type {
  DirEntry,
  FsMetadataV2,
  Metadata,
  OpenOptions,
  SeekFrom,
  Timespec,
} from "./file_types.ts";
import { RemoteFdError } from "./file_types.ts";
import { ERRNO, ErrnoError } from "./io_error.ts";
import { clientPathAt, resolveUnderRoot } from "./root_path.ts";

/** Largest single read the agent serves (the layer asks for at most 1 MiB). */
const MAX_READ = 16 * 1024 * 1024;
const AT_REMOVEDIR = 0x200;
const UTIME_NOW = (1n << 30n) - 1n;
const UTIME_OMIT = (1n << 30n) - 2n;

type RemoteFile =
  | { kind: "file"; file: Deno.FsFile; clientPath: string; hostPath: string; regular: boolean }
  | { kind: "dir"; file: Deno.FsFile; clientPath: string; hostPath: string }
  | { kind: "stream"; stream: DirStream; clientPath: string; hostPath: string };

const FOLLOW = { followLast: true };
const NO_FOLLOW = { followLast: false };

function nanos(date: Date | null): bigint {
  return date === null ? 0n : BigInt(date.getTime()) * 1_000_000n;
}

/**
 * Converts a Deno stat result into `MetadataInternal`.
 *
 * @param info a stat result
 * @returns the protocol metadata (times in nanoseconds since the epoch, millisecond precision)
 */
export function metadataOf(info: Deno.FileInfo): Metadata {
  return {
    device_id: BigInt(info.dev),
    inode: BigInt(info.ino ?? 0),
    mode: info.mode ?? 0,
    hard_links: BigInt(info.nlink ?? 0),
    user_id: info.uid ?? 0,
    group_id: info.gid ?? 0,
    rdevice_id: BigInt(info.rdev ?? 0),
    size: BigInt(info.size),
    access_time: nanos(info.atime),
    modification_time: nanos(info.mtime),
    creation_time: nanos(info.ctime),
    block_size: BigInt(info.blksize ?? 0),
    blocks: BigInt(info.blocks ?? 0),
  };
}

type FileEntry = Extract<RemoteFile, { kind: "file" }>;

// Regular files are read and written synchronously: it saves a thread-pool round trip per request
// (the latency of a remote read), and a regular file never blocks indefinitely. FIFOs, devices and
// sockets can, so they go through Deno's async ops.
function readSome(entry: FileEntry, buffer: Uint8Array): Promise<number | null> {
  return entry.regular ? Promise.resolve(entry.file.readSync(buffer)) : entry.file.read(buffer);
}

function writeSome(entry: FileEntry, bytes: Uint8Array): Promise<number> {
  return entry.regular ? Promise.resolve(entry.file.writeSync(bytes)) : entry.file.write(bytes);
}

/** The remote fds of one client and the operations on them. */
export class FileManager {
  private readonly fds = new Map<bigint, RemoteFile>();
  private nextFd = 0n;

  /** @param root the target root, e.g. `/proc/42/root` */
  constructor(private readonly root: string) {}

  /** Number of open remote fds (files, directories and streams). */
  get openCount(): number {
    return this.fds.size;
  }

  private resolve(path: string, follow = FOLLOW): string {
    return resolveUnderRoot(this.root, path, follow);
  }

  private entry(fd: bigint): RemoteFile {
    const entry = this.fds.get(fd);
    if (!entry) throw new RemoteFdError({ NotFound: fd });
    return entry;
  }

  private fileEntry(fd: bigint): FileEntry {
    const entry = this.entry(fd);
    if (entry.kind !== "file") throw new RemoteFdError({ NotFile: fd });
    return entry;
  }

  private dirPath(fd: bigint): string {
    const entry = this.entry(fd);
    if (entry.kind === "file") throw new RemoteFdError({ NotDirectory: fd });
    return entry.clientPath;
  }

  private allocate(entry: RemoteFile): bigint {
    const fd = this.nextFd++;
    this.fds.set(fd, entry);
    return fd;
  }

  /**
   * Opens a file or directory.
   *
   * @param path the client's absolute path
   * @param options the open flags
   * @returns the new remote fd
   */
  async open(path: string, options: OpenOptions): Promise<bigint> {
    const hostPath = this.resolve(path, options.create_new ? NO_FOLLOW : FOLLOW);
    const file = await Deno.open(hostPath, {
      read: options.read || !(options.write || options.append),
      write: options.write,
      append: options.append,
      truncate: options.truncate,
      create: options.create,
      createNew: options.create_new,
    });
    let info: Deno.FileInfo;
    try {
      info = await file.stat();
    } catch (error) {
      file.close();
      throw error;
    }
    if (info.isDirectory) return this.allocate({ kind: "dir", file, clientPath: path, hostPath });
    return this.allocate({ kind: "file", file, clientPath: path, hostPath, regular: info.isFile });
  }

  /**
   * Opens a path relative to an open directory (`openat`).
   *
   * @param dirFd the directory's remote fd
   * @param path relative (or absolute) path
   * @param options the open flags
   * @returns the new remote fd
   */
  async openRelative(dirFd: bigint, path: string, options: OpenOptions): Promise<bigint> {
    return await this.open(clientPathAt(this.dirPath(dirFd), path), options);
  }

  /**
   * Reads at the current position.
   *
   * @param fd a file fd
   * @param size the most bytes to read
   * @returns the bytes read; empty at end of file
   */
  async read(fd: bigint, size: bigint): Promise<Uint8Array> {
    const entry = this.fileEntry(fd);
    const buffer = new Uint8Array(Math.min(Number(size), MAX_READ));
    const n = await readSome(entry, buffer);
    return buffer.subarray(0, n ?? 0);
  }

  /**
   * Reads at an offset without moving the position (`pread`).
   *
   * @param fd a file fd
   * @param start the offset
   * @param size the most bytes to read
   * @returns the bytes read
   */
  async readLimited(fd: bigint, start: bigint, size: bigint): Promise<Uint8Array> {
    const entry = this.fileEntry(fd);
    const { file } = entry;
    const position = file.seekSync(0, Deno.SeekMode.Current);
    try {
      file.seekSync(start, Deno.SeekMode.Start);
      const buffer = new Uint8Array(Math.min(Number(size), MAX_READ));
      let filled = 0;
      while (filled < buffer.length) {
        const n = await readSome(entry, buffer.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      return buffer.subarray(0, filled);
    } finally {
      file.seekSync(position, Deno.SeekMode.Start);
    }
  }

  /**
   * Moves the position.
   *
   * @param fd a file fd
   * @param from where to seek
   * @returns the new offset
   */
  async seek(fd: bigint, from: SeekFrom): Promise<bigint> {
    const { file } = this.fileEntry(fd);
    if ("Start" in from) return BigInt(await file.seek(from.Start, Deno.SeekMode.Start));
    if ("End" in from) return BigInt(await file.seek(from.End, Deno.SeekMode.End));
    return BigInt(await file.seek(from.Current, Deno.SeekMode.Current));
  }

  /**
   * Writes at the current position.
   *
   * @param fd a file fd
   * @param bytes the data
   * @returns the number of bytes written
   */
  async write(fd: bigint, bytes: Uint8Array): Promise<bigint> {
    const entry = this.fileEntry(fd);
    let written = 0;
    while (written < bytes.length) written += await writeSome(entry, bytes.subarray(written));
    return BigInt(written);
  }

  /**
   * Writes at an offset without moving the position (`pwrite`).
   *
   * @param fd a file fd
   * @param start the offset
   * @param bytes the data
   * @returns the number of bytes written
   */
  async writeLimited(fd: bigint, start: bigint, bytes: Uint8Array): Promise<bigint> {
    const { file } = this.fileEntry(fd);
    const position = file.seekSync(0, Deno.SeekMode.Current);
    try {
      file.seekSync(start, Deno.SeekMode.Start);
      return await this.write(fd, bytes);
    } finally {
      file.seekSync(position, Deno.SeekMode.Start);
    }
  }

  /**
   * Closes a file, directory or directory stream; unknown fds are ignored (no reply is sent).
   *
   * @param fd the remote fd
   */
  close(fd: bigint): void {
    const entry = this.fds.get(fd);
    this.fds.delete(fd);
    if (entry && entry.kind !== "stream") entry.file.close();
  }

  /** Closes every fd (client gone). */
  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }

  /**
   * `access(2)` on a path.
   *
   * @param path the client's path
   * @param mode F_OK / R_OK / W_OK / X_OK bits
   */
  access(path: string, mode: number): void {
    const errno = accessPath(this.resolve(path), mode);
    if (errno !== 0) throw new ErrnoError(errno, `access("${path}", ${mode})`);
  }

  /**
   * stat / lstat / fstat / fstatat.
   *
   * @param path a path, relative to `fd` when both are given
   * @param fd a remote fd
   * @param followSymlink stat (true) or lstat (false) semantics for paths
   * @returns the metadata
   */
  async xstat(path: string | null, fd: bigint | null, followSymlink: boolean): Promise<Metadata> {
    const follow = followSymlink ? FOLLOW : NO_FOLLOW;
    if (path !== null) {
      const clientPath = fd === null ? path : clientPathAt(this.dirPath(fd), path);
      const hostPath = this.resolve(clientPath, follow);
      return metadataOf(followSymlink ? await Deno.stat(hostPath) : await Deno.lstat(hostPath));
    }
    if (fd === null) throw new ErrnoError(ERRNO.EINVAL, "xstat without path or fd");
    const entry = this.entry(fd);
    if (entry.kind === "stream") return metadataOf(await Deno.stat(entry.hostPath));
    return metadataOf(await entry.file.stat());
  }

  /**
   * statfs of the file system holding a path or an fd's file.
   *
   * @param target a client path or a remote fd
   * @returns the V2 figures (V1 replies use the first seven fields)
   */
  statFs(target: { path: string } | { fd: bigint }): FsMetadataV2 {
    const hostPath = "path" in target ? this.resolve(target.path) : this.entry(target.fd).hostPath;
    const fs = statFs(hostPath);
    return {
      filesystem_type: fs.type,
      block_size: fs.blockSize,
      blocks: fs.blocks,
      blocks_free: fs.blocksFree,
      blocks_available: fs.blocksAvailable,
      files: fs.files,
      files_free: fs.filesFree,
      filesystem_id: fs.fsid,
      name_len: fs.nameLen,
      fragment_size: fs.fragmentSize,
      flags: fs.flags,
    };
  }

  /**
   * Turns an open directory fd into a directory stream (`fdopendir`).
   *
   * @param fd a directory fd
   * @returns the stream's new remote fd
   */
  async fdOpenDir(fd: bigint): Promise<bigint> {
    const entry = this.entry(fd);
    if (entry.kind !== "dir") throw new RemoteFdError({ NotDirectory: fd });
    const stream = await DirStream.open(entry.hostPath);
    return this.allocate({
      kind: "stream",
      stream,
      clientPath: entry.clientPath,
      hostPath: entry.hostPath,
    });
  }

  private stream(fd: bigint): DirStream {
    const entry = this.entry(fd);
    if (entry.kind !== "stream") throw new RemoteFdError({ NotDirectory: fd });
    return entry.stream;
  }

  /**
   * @param fd a directory stream fd
   * @returns the next entry or null at the end
   */
  readDir(fd: bigint): DirEntry | null {
    return this.stream(fd).read();
  }

  /**
   * @param fd a directory stream fd
   * @param amount the most entries
   * @returns the next entries
   */
  readDirBatch(fd: bigint, amount: bigint): DirEntry[] {
    return this.stream(fd).readBatch(Number(amount));
  }

  /**
   * getdents64 on a directory fd (a stream is created on first use).
   *
   * @param fd a directory or stream fd
   * @param bufferSize the client's buffer size
   * @returns entries that fit and their total record size
   */
  async getDents64(
    fd: bigint,
    bufferSize: bigint,
  ): Promise<{ entries: DirEntry[]; resultSize: bigint }> {
    const entry = this.entry(fd);
    if (entry.kind === "file") throw new RemoteFdError({ NotDirectory: fd });
    if (entry.kind === "dir") {
      // getdents64 works on the open directory itself: keep its stream beside it.
      const stream = await DirStream.open(entry.hostPath);
      this.fds.set(fd, {
        kind: "stream",
        stream,
        clientPath: entry.clientPath,
        hostPath: entry.hostPath,
      });
      entry.file.close();
    }
    const result = this.stream(fd).readDents(Number(bufferSize));
    if (!result.fits) throw new ErrnoError(ERRNO.EINVAL, "getdents64 buffer too small");
    return { entries: result.entries, resultSize: BigInt(result.resultSize) };
  }

  /**
   * @param path a symlink's client path
   * @returns its target, as stored in the link
   */
  async readLink(path: string): Promise<string> {
    return await Deno.readLink(this.resolve(path, NO_FOLLOW));
  }

  /**
   * mkdir / mkdirat.
   *
   * @param path the new directory
   * @param mode its permission bits
   * @param dirFd resolve `path` against this directory fd
   */
  async makeDir(path: string, mode: number, dirFd: bigint | null = null): Promise<void> {
    const clientPath = dirFd === null ? path : clientPathAt(this.dirPath(dirFd), path);
    await Deno.mkdir(this.resolve(clientPath, NO_FOLLOW), { mode });
  }

  /**
   * rmdir.
   *
   * @param path an empty directory
   */
  async removeDir(path: string): Promise<void> {
    const hostPath = this.resolve(path, NO_FOLLOW);
    if (!(await Deno.lstat(hostPath)).isDirectory) {
      throw new ErrnoError(ERRNO.ENOTDIR, `rmdir("${path}")`);
    }
    await Deno.remove(hostPath);
  }

  /**
   * unlink / unlinkat (with AT_REMOVEDIR it is rmdir).
   *
   * @param path the path to remove
   * @param dirFd resolve `path` against this directory fd
   * @param flags unlinkat flags
   */
  async unlink(path: string, dirFd: bigint | null = null, flags = 0): Promise<void> {
    const clientPath = dirFd === null ? path : clientPathAt(this.dirPath(dirFd), path);
    if (flags & AT_REMOVEDIR) return await this.removeDir(clientPath);
    const hostPath = this.resolve(clientPath, NO_FOLLOW);
    if ((await Deno.lstat(hostPath)).isDirectory) {
      throw new ErrnoError(ERRNO.EISDIR, `unlink("${path}")`);
    }
    await Deno.remove(hostPath);
  }

  /**
   * rename.
   *
   * @param oldPath the existing path
   * @param newPath the new path
   */
  async rename(oldPath: string, newPath: string): Promise<void> {
    await Deno.rename(this.resolve(oldPath, NO_FOLLOW), this.resolve(newPath, NO_FOLLOW));
  }

  /**
   * ftruncate.
   *
   * @param fd a file fd
   * @param length the new size
   */
  async ftruncate(fd: bigint, length: bigint): Promise<void> {
    if (length < 0n) throw new ErrnoError(ERRNO.EINVAL, "ftruncate to a negative length");
    await this.fileEntry(fd).file.truncate(Number(length));
  }

  /**
   * futimens; a missing pair means "now", `UTIME_NOW`/`UTIME_OMIT` are honoured.
   *
   * @param fd a file or directory fd
   * @param times access and modification time
   */
  async futimens(fd: bigint, times: [Timespec, Timespec] | null): Promise<void> {
    const entry = this.entry(fd);
    const current = await Deno.stat(entry.hostPath);
    const pick = (spec: Timespec | undefined, old: Date | null): Date => {
      if (!spec || spec.tv_nsec === UTIME_NOW) return new Date();
      if (spec.tv_nsec === UTIME_OMIT) return old ?? new Date();
      return new Date(Number(spec.tv_sec * 1000n + spec.tv_nsec / 1_000_000n));
    };
    await Deno.utime(
      entry.hostPath,
      pick(times?.[0], current.atime),
      pick(times?.[1], current.mtime),
    );
  }

  /**
   * fchown; `0xffffffff` keeps the current id, as chown(2) does with -1.
   *
   * @param fd a remote fd
   * @param owner the new uid
   * @param group the new gid
   */
  async fchown(fd: bigint, owner: number, group: number): Promise<void> {
    const keep = 0xffffffff;
    await Deno.chown(
      this.entry(fd).hostPath,
      owner === keep ? null : owner,
      group === keep ? null : group,
    );
  }

  /**
   * fchmod.
   *
   * @param fd a remote fd
   * @param mode the permission bits
   */
  async fchmod(fd: bigint, mode: number): Promise<void> {
    await Deno.chmod(this.entry(fd).hostPath, mode);
  }
}

/**
 * The few libc calls Deno has no API for, loaded once through FFI: entering a network namespace
 * on the calling thread (`setns`) and reading `errno`.
 *
 * Synchronous FFI calls run on the JavaScript thread, which is also the thread that polls the
 * main tokio runtime, so namespace changes made here affect every socket the agent opens later.
 *
 * @module
 */

const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
/** `CLONE_NEWNET` from `<sched.h>`: the namespace type passed to setns. */
export const CLONE_NEWNET = 0x40000000;

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  setns: { parameters: ["i32", "i32"], result: "i32" },
  gettid: { parameters: [], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
  access: { parameters: ["buffer", "i32"], result: "i32" },
  statfs: { parameters: ["buffer", "buffer"], result: "i32" },
} as const;

let loaded: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;

function libc(): Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] {
  loaded ??= Deno.dlopen("libc.so.6", SYMBOLS);
  return loaded.symbols;
}

/** A failed libc call, carrying its errno. */
export class LibcError extends Error {
  /**
   * @param call what was attempted, e.g. `setns("/proc/1/ns/net")`
   * @param errno the errno value libc reported
   */
  constructor(readonly call: string, readonly errno: number) {
    super(`${call} failed: ${describeErrno(errno)} (errno ${errno})`);
    this.name = "LibcError";
  }
}

function lastErrno(): number {
  const pointer = libc().__errno_location();
  if (pointer === null) return 0;
  return new Deno.UnsafePointerView(pointer).getInt32();
}

/**
 * The text libc gives for an errno value.
 *
 * @param errno the error number
 * @returns e.g. "Operation not permitted"
 */
export function describeErrno(errno: number): string {
  const pointer = libc().strerror(errno);
  return pointer === null ? `errno ${errno}` : Deno.UnsafePointerView.getCString(pointer);
}

/**
 * Moves the calling thread into the namespace that `path` names (e.g. `/proc/42/ns/net`).
 *
 * @param path a namespace file
 * @param nstype the namespace type (`CLONE_NEWNET`), 0 for "any"
 * @throws {LibcError} when the file cannot be opened or setns refuses
 */
export function setNamespace(path: string, nstype: number): void {
  const c = libc();
  const fd = c.open(cString(path), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw new LibcError(`open("${path}")`, lastErrno());
  try {
    if (c.setns(fd, nstype) !== 0) throw new LibcError(`setns("${path}")`, lastErrno());
  } finally {
    c.close(fd);
  }
}

/**
 * The kernel id of the calling thread.
 *
 * @returns the thread id (equals the process id on the main thread)
 */
export function currentThreadId(): number {
  return libc().gettid();
}

function cString(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${text}\0`) as Uint8Array<ArrayBuffer>;
}

/**
 * `access(2)`: whether the calling process may reach `path` with `mode` (F_OK, R_OK, W_OK, X_OK).
 *
 * @param path the path to check
 * @param mode the access mode bits
 * @returns 0 on success, otherwise the errno
 */
export function accessPath(path: string, mode: number): number {
  return libc().access(cString(path), mode) === 0 ? 0 : lastErrno();
}

/** `struct statfs` on x86_64 and aarch64 Linux, as the protocol's FsMetadataInternalV2 needs it. */
export interface StatFs {
  type: bigint;
  blockSize: bigint;
  blocks: bigint;
  blocksFree: bigint;
  blocksAvailable: bigint;
  files: bigint;
  filesFree: bigint;
  fsid: [number, number];
  nameLen: bigint;
  fragmentSize: bigint;
  flags: bigint;
}

/**
 * `statfs(2)` of the file system holding `path`.
 *
 * @param path any path on that file system
 * @returns the file system figures
 * @throws {LibcError} with the errno on failure
 */
export function statFs(path: string): StatFs {
  const buffer = new BigInt64Array(15); // 120 bytes: 7 longs, fsid (2 ints), 3 longs, 4 spare
  if (libc().statfs(cString(path), buffer) !== 0) {
    throw new LibcError(`statfs("${path}")`, lastErrno());
  }
  const view = new DataView(buffer.buffer);
  const u64 = (index: number) => view.getBigUint64(index * 8, true);
  return {
    type: buffer[0],
    blockSize: buffer[1],
    blocks: u64(2),
    blocksFree: u64(3),
    blocksAvailable: u64(4),
    files: u64(5),
    filesFree: u64(6),
    fsid: [view.getInt32(56, true), view.getInt32(60, true)],
    nameLen: buffer[8],
    fragmentSize: buffer[9],
    flags: buffer[10],
  };
}

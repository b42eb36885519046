/**
 * Turns an operating-system failure into the protocol's `RemoteIOError{raw_os_error, kind}`,
 * the error the agent sends for failed file, socket and DNS operations.
 *
 * @module
 */
import type { ErrorKindInternal, RemoteIOError, ResponseError } from "../../protocol-wasm/mod.ts";
import { LibcError } from "../ffi/libc.ts";

/** Linux errno → `ErrorKindInternal` variant name (as Rust's `io::ErrorKind` decodes them). */
const KIND_BY_ERRNO: Record<number, ErrorKindInternal> = {
  1: "PermissionDenied",
  2: "NotFound",
  4: "Interrupted",
  7: "ArgumentListTooLong",
  11: "WouldBlock",
  12: "OutOfMemory",
  13: "PermissionDenied",
  16: "ResourceBusy",
  17: "AlreadyExists",
  18: "CrossesDevices",
  20: "NotADirectory",
  21: "IsADirectory",
  22: "InvalidInput",
  26: "ExecutableFileBusy",
  27: "FileTooLarge",
  28: "StorageFull",
  29: "NotSeekable",
  30: "ReadOnlyFilesystem",
  31: "TooManyLinks",
  32: "BrokenPipe",
  35: "Deadlock",
  36: "InvalidFilename",
  38: "Unsupported",
  39: "DirectoryNotEmpty",
  40: "FilesystemLoop",
  95: "Unsupported",
  98: "AddrInUse",
  99: "AddrNotAvailable",
  100: "NetworkDown",
  101: "NetworkUnreachable",
  103: "ConnectionAborted",
  104: "ConnectionReset",
  107: "NotConnected",
  110: "TimedOut",
  111: "ConnectionRefused",
  113: "HostUnreachable",
  116: "StaleNetworkFileHandle",
  122: "FilesystemQuotaExceeded",
};

/** Errno values of errors the agent raises itself. */
export const ERRNO = {
  ENOENT: 2,
  EBADF: 9,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ELOOP: 40,
  EAFNOSUPPORT: 97,
  ETIMEDOUT: 110,
} as const;

/** An error the agent raises with a chosen errno (e.g. a path escaping the target root). */
export class ErrnoError extends Error {
  /**
   * @param errno the errno the client should see
   * @param message for logs
   */
  constructor(readonly errno: number, message: string) {
    super(message);
    this.name = "ErrnoError";
  }
}

/**
 * The errno of an error thrown by a Deno API, libc call or the agent itself.
 *
 * @param error anything caught
 * @returns the errno, or null when the error carries none
 */
export function errnoOf(error: unknown): number | null {
  if (error instanceof ErrnoError || error instanceof LibcError) return error.errno;
  if (error instanceof Error) {
    const match = /\(os error (\d+)\)/.exec(error.message);
    if (match) return Number(match[1]);
    if (error instanceof Deno.errors.NotFound) return ERRNO.ENOENT;
    if (error instanceof Deno.errors.TimedOut) return ERRNO.ETIMEDOUT;
  }
  return null;
}

/**
 * Builds the `RemoteIO` error for a caught failure.
 *
 * @param error anything caught
 * @returns `{ raw_os_error, kind }`
 */
export function remoteIOError(error: unknown): RemoteIOError {
  const errno = errnoOf(error);
  if (errno === null) {
    return { raw_os_error: null, kind: { Unknown: String((error as Error)?.message ?? error) } };
  }
  return { raw_os_error: errno, kind: KIND_BY_ERRNO[errno] ?? "Other" };
}

/**
 * The whole `ResponseError` for a caught failure: `{ RemoteIO: … }`.
 *
 * @param error anything caught
 * @returns the facade value
 */
export function responseErrorOf(error: unknown): ResponseError {
  return { RemoteIO: remoteIOError(error) };
}

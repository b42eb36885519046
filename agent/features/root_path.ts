/**
 * Resolves a client's path inside the target's root (`/proc/<pid>/root`) without ever leaving it.
 *
 * The kernel would resolve an absolute symlink met under `/proc/<pid>/root` against the *agent's*
 * root, so every symlink is resolved here, component by component, relative to the target root;
 * `..` is applied to the resolved components and may not climb above the root.
 *
 * @module
 */
import { ERRNO, ErrnoError } from "./io_error.ts";

const MAX_SYMLINK_HOPS = 40;

/** How the last component is treated. */
export interface ResolveOptions {
  /** resolve a symlink in the last component (open, stat); false for lstat, readlink, unlink */
  followLast: boolean;
}

/**
 * Maps `path` (absolute, or relative to the root) to a host path under `root`.
 *
 * @param root the target root, e.g. `/proc/42/root`, or `/` when targetless
 * @param path the client's path
 * @param options see {@link ResolveOptions}
 * @returns the host path; a trailing slash of `path` is kept
 * @throws {ErrnoError} ENOENT when `..` would climb above the root, ELOOP on too many symlinks
 */
export function resolveUnderRoot(root: string, path: string, options: ResolveOptions): string {
  const trailingSlash = path.length > 1 && path.endsWith("/");
  const resolved: string[] = [];
  const pending = components(path);
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.shift()!;
    if (component === "..") {
      if (resolved.length === 0) {
        throw new ErrnoError(
          ERRNO.ENOENT,
          `path "${path}" climbs above the target root (possible path escape attempt)`,
        );
      }
      resolved.pop();
      continue;
    }
    resolved.push(component);
    const isLast = pending.length === 0;
    if (isLast && !options.followLast && !trailingSlash) break;
    const link = readLinkOrNull(join(root, resolved));
    if (link === null) continue;
    if (++hops > MAX_SYMLINK_HOPS) {
      throw new ErrnoError(ERRNO.ELOOP, `too many symlinks while resolving "${path}"`);
    }
    resolved.pop();
    if (link.startsWith("/")) resolved.length = 0;
    pending.unshift(...components(link));
  }
  const host = join(root, resolved);
  return trailingSlash && resolved.length > 0 ? `${host}/` : host;
}

/**
 * Joins a path relative to a directory the client already holds (`OpenRelative`, `MakeDirAt`):
 * absolute paths ignore the directory, as `openat(2)` does.
 *
 * @param directory the directory's client-side path
 * @param path the relative or absolute path
 * @returns the client-side path to resolve
 */
export function clientPathAt(directory: string, path: string): string {
  if (path.startsWith("/")) return path;
  return `${directory.replace(/\/+$/, "")}/${path}`;
}

function components(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}

function join(root: string, parts: string[]): string {
  const base = root.replace(/\/+$/, "");
  return parts.length === 0 ? (base === "" ? "/" : base) : `${base}/${parts.join("/")}`;
}

function readLinkOrNull(hostPath: string): string | null {
  try {
    return Deno.readLinkSync(hostPath);
  } catch {
    // Not a symlink, or absent: the operation itself reports what is wrong.
    return null;
  }
}

/**
 * The libc calls Deno has no API for, through FFI: leaving the CLI's session and terminal
 * (`setsid`, stdio onto /dev/null — how-it-works.md §4.1 step 8) so a Ctrl-C aimed at the app
 * does not kill the intproxy, and raising the open-file limit (step 3).
 *
 * @module
 */

const SYMBOLS = {
  setsid: { parameters: [], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
} as const;

const O_RDWR = 2;
const RLIMIT_NOFILE = 7;

let loaded: Deno.DynamicLibrary<typeof SYMBOLS> | undefined;

function libc(): Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] {
  loaded ??= Deno.dlopen("libc.so.6", SYMBOLS);
  return loaded.symbols;
}

function linkOf(fd: number | string): string | null {
  try {
    return Deno.readLinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/**
 * Every open fd that refers to the same open stdio object as fds 0–2 (Deno keeps duplicates of
 * stdout and stderr for its own handles; they hold the CLI's pipe open too).
 */
function stdioDescriptors(): number[] {
  const stdio = new Set([0, 1, 2].map(linkOf).filter((l): l is string => l !== null));
  const fds = new Set([0, 1, 2]);
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    const link = linkOf(entry.name);
    if (link !== null && stdio.has(link) && link !== "/dev/null") fds.add(Number(entry.name));
  }
  return [...fds];
}

/**
 * Starts a new session (no controlling terminal, own process group) and points stdin, stdout and
 * stderr — and Deno's own duplicates of them — at /dev/null, so the CLI reading our stdout sees
 * EOF.
 *
 * @returns false when a call failed (the intproxy still works, it just stays attached)
 */
export function detachFromTerminal(): boolean {
  const c = libc();
  const sessionOk = c.setsid() >= 0;
  const targets = stdioDescriptors();
  const devNull = c.open(new TextEncoder().encode("/dev/null\0"), O_RDWR);
  if (devNull < 0) return false;
  let ok = sessionOk;
  for (const fd of targets) ok = c.dup2(devNull, fd) >= 0 && ok;
  if (!targets.includes(devNull)) c.close(devNull);
  return ok;
}

/**
 * Raises the soft `RLIMIT_NOFILE` to `wanted` (capped by the hard limit); best effort.
 *
 * @param wanted the soft limit to reach (mirrord: 12288)
 * @returns the soft limit now in force, or null when it could not be read
 */
export function raiseOpenFileLimit(wanted: number): number | null {
  const c = libc();
  const limits = new BigUint64Array(2);
  const bytes = new Uint8Array(limits.buffer);
  if (c.getrlimit(RLIMIT_NOFILE, bytes) !== 0) return null;
  const [soft, hard] = limits;
  const target = BigInt(wanted) < hard ? BigInt(wanted) : hard;
  if (soft >= target) return Number(soft);
  limits[0] = target;
  return c.setrlimit(RLIMIT_NOFILE, bytes) === 0 ? Number(target) : Number(soft);
}

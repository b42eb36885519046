/**
 * Network namespace entry for a targeted agent started outside its target's namespace.
 *
 * The agent enters the target's network namespace with `setns` on its JavaScript thread, after the
 * client listener is bound: the listener keeps living in the agent's own namespace (where the
 * port-forward reaches it) and every socket created afterwards — outgoing connections, DNS
 * queries, redirect listeners, child processes such as iptables — lives in the target's. See
 * agent/README.md for why this design was chosen.
 *
 * @module
 */
import { CLONE_NEWNET, currentThreadId, setNamespace } from "../ffi/libc.ts";

/**
 * The identity (device and inode of the nsfs file) of a network namespace.
 *
 * @param path a namespace file such as `/proc/42/ns/net`
 * @returns `"<dev>:<ino>"`
 */
export function namespaceIdentity(path: string): string {
  const info = Deno.statSync(path);
  return `${info.dev}:${info.ino}`;
}

/** The namespace file of the calling thread (setns is per thread). */
export function ownNetworkNamespacePath(): string {
  return `/proc/self/task/${currentThreadId()}/ns/net`;
}

/** What {@link enterNetworkNamespaceOf} did. */
export type NamespaceEntry = "already-inside" | "entered";

/**
 * Makes the calling thread live in the network namespace of process `pid`, unless it already does.
 *
 * @param pid the target process, as seen from the agent's PID namespace
 * @returns whether the namespace had to be entered
 * @throws {Error} "Cannot enter the network namespace …" when the namespace is unreachable or
 *   setns is refused (the agent needs CAP_SYS_ADMIN)
 */
export function enterNetworkNamespaceOf(pid: number): NamespaceEntry {
  const targetPath = `/proc/${pid}/ns/net`;
  let target: string;
  try {
    target = namespaceIdentity(targetPath);
  } catch (error) {
    throw new Error(
      `Cannot enter the network namespace of target process ${pid}: ${targetPath} is not ` +
        `readable (${(error as Error).message}) — check that the target is running and the agent ` +
        `shares the host PID namespace`,
    );
  }
  if (namespaceIdentity(ownNetworkNamespacePath()) === target) return "already-inside";
  try {
    setNamespace(targetPath, CLONE_NEWNET);
  } catch (error) {
    throw new Error(
      `Cannot enter the network namespace of target process ${pid}: ${(error as Error).message}` +
        ` — the agent needs CAP_SYS_ADMIN (run it as root or privileged)`,
    );
  }
  if (namespaceIdentity(ownNetworkNamespacePath()) !== target) {
    throw new Error(
      `Cannot enter the network namespace of target process ${pid}: setns returned success but ` +
        `the thread is still elsewhere. This is a bug, please report it`,
    );
  }
  return "entered";
}

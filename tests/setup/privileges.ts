/**
 * Whether this process may do what integration and cluster tests need (network namespaces,
 * iptables, mounts): only root can.
 *
 * @returns true when running as uid 0
 */
export function isRoot(): boolean {
  return Deno.uid() === 0;
}

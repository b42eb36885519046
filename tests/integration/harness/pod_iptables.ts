/**
 * The pod's NAT table as the agent leaves it, read with both iptables backends (the agent picks
 * one of them).
 *
 * @module
 */
import type { Pod } from "./pod.ts";
import { run } from "./process.ts";

/**
 * The pod's NAT rules, legacy and nft backends together.
 *
 * @param pod the pod
 * @returns `iptables -t nat -S` of both backends
 */
export async function natRules(pod: Pod): Promise<string> {
  const backends = ["iptables-legacy", "iptables-nft"];
  const rules = await Promise.all(
    backends.map((iptables) =>
      run("/usr/bin/nsenter", [`--net=${pod.netnsPath}`, iptables, "-t", "nat", "-S"])
    ),
  );
  return rules.join("");
}

/**
 * Waits until the agent's chains (`MRDIN_…`) are gone: its guard unhooks the redirect first and
 * deletes the chains after that, so the pod may serve again a moment before they vanish.
 *
 * @param pod the pod
 * @param deadline epoch ms after which the rules are returned as they are
 * @returns the last rules read
 */
export async function natRulesOnceClean(pod: Pod, deadline: number): Promise<string> {
  let rules = await natRules(pod);
  while (rules.includes("MRDIN_") && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rules = await natRules(pod);
  }
  return rules;
}

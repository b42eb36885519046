/**
 * The agent's network namespace design (agent/README.md): setns on the JavaScript thread moves
 * every later socket and child process into the target's namespace.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { createPod } from "./harness/pod.ts";
import { rootTest } from "./harness/root_only.ts";

const PROBE = new URL("./fixtures/netns_probe.ts", import.meta.url).pathname;

async function probe(args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PROBE, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

rootTest(
  "enterNetworkNamespaceOf() moves DNS, sockets and children into the target's namespace",
  async () => {
    await using pod = await createPod();
    const result = await probe([
      String(pod.targetPid),
      pod.dnsName,
      `${pod.echoTcp.hostname}:${pod.echoTcp.port}`,
    ]);
    equal(result.entry, "entered");
    deepEqual(result.records, [{ name: pod.dnsName, ip: pod.podIp }]);
    equal(result.echoed, "probe");
    ok((result.local as { Ip: string }).Ip.startsWith(`${pod.podIp}:`));
    equal(result.childSeesInterfaces, true);
  },
);

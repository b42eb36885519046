/**
 * The redirect chains' life around the agent process: mirrord's iptables guard removes them when
 * the agent is SIGKILLed mid-steal, and a new agent that finds leftover rules reports them (exit
 * 99) or, with clean_iptables_on_start, removes them.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createPod, forkedChild, type Pod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient } from "./harness/agent_client.ts";
import { IncomingClient } from "./harness/incoming_client.ts";
import { run } from "./harness/process.ts";
import { natRules, natRulesOnceClean } from "./harness/pod_iptables.ts";
import { rootTest } from "./harness/root_only.ts";

const SERVER = new URL("./harness/servers/pod_http_server.mjs", import.meta.url).pathname;

function inPod(pod: Pod, cmd: string, ...args: string[]): Promise<string> {
  return run("/usr/bin/nsenter", [`--net=${pod.netnsPath}`, cmd, ...args]);
}

async function get(url: string): Promise<string> {
  const out = await new Deno.Command("curl", { args: ["-sS", "--max-time", "2", url] }).output();
  return new TextDecoder().decode(out.stdout);
}

rootTest(
  "guard: an agent SIGKILLed mid-steal leaves no chains and the pod serves again",
  async () => {
    await using pod = await createPod();
    await pod.spawn("/usr/bin/node", [SERVER, "--http", "8080"], "ready");
    await using agent = await startAgent(pod);
    const client = await AgentClient.connect(agent.address);
    await client.negotiate();
    const steal = new IncomingClient(client);
    try {
      deepEqual(await steal.subscribeSteal({ All: 8080 }), { Ok: 8080 });
      steal.answer(() => ({ status: 200, body: "stolen" }));
      const url = `http://${pod.podIp}:8080/`;
      equal(await get(url), "stolen");
      match(await natRules(pod), new RegExp(`-A PREROUTING -j MRDIN_${pod.targetPid}`));
      // The guard's child is the real agent.
      Deno.kill(await forkedChild(agent.process.pid), "SIGKILL");
      const killedAt = Date.now();
      let answer = "";
      while (Date.now() - killedAt < 5000 && answer !== "pod GET / ") answer = await get(url);
      equal(answer, "pod GET / ", "the pod answers again within 5 s");
      const nat = await natRulesOnceClean(pod, killedAt + 5000);
      ok(!nat.includes("MRDIN_"), `the chains are gone within 5 s:\n${nat}`);
      equal(await agent.exited, 137);
      match(agent.output.join("\n"), /guard: the agent was killed by SIGKILL; iptables chains/);
    } finally {
      client.close();
    }
  },
);

rootTest(
  "dirty iptables: leftover rules are reported (exit 99) or removed with clean_iptables_on_start",
  async () => {
    await using pod = await createPod();
    const chain = `MRDIN_${pod.targetPid}`;
    await inPod(pod, "iptables-legacy", "-t", "nat", "-N", chain);
    await inPod(pod, "iptables-legacy", "-t", "nat", "-A", chain, "-j", "RETURN");
    await inPod(pod, "iptables-legacy", "-t", "nat", "-A", "PREROUTING", "-j", chain);
    {
      await using agent = await startAgent(pod);
      const client = await AgentClient.connect(agent.address);
      const close = await client.receive();
      client.close();
      match(close.Close, /mirrord iptables rules are already present .*clean_iptables_on_start/);
      match(close.Close, new RegExp(`-A PREROUTING -j ${chain}`));
      equal(await agent.exited, 99);
      match(await natRules(pod), new RegExp(`-A PREROUTING -j ${chain}`), "the guard left them");
    }
    await using agent = await startAgent(pod, {
      env: { MIRRORD_AGENT_CLEAN_IPTABLES_ON_START: "true" },
    });
    ok(!(await natRules(pod)).includes(chain), "removed at start");
    match(agent.output.join("\n"), /removed leftover iptables rules/);
    const client = await AgentClient.connect(agent.address);
    try {
      await client.negotiate();
      deepEqual(await new IncomingClient(client).subscribeSteal({ All: 8080 }), { Ok: 8080 });
    } finally {
      client.close();
    }
  },
);

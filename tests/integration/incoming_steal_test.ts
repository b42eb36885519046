/**
 * Steal through the agent against a real pod: raw TCP and HTTP stolen by a test client (as an
 * intproxy would), filters that split traffic between clients and the pod's own server,
 * keep-alive connections mixing both, refusals, and the redirect chains' life.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createPod, type Pod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient } from "./harness/agent_client.ts";
import { IncomingClient } from "./harness/incoming_client.ts";
import { run } from "./harness/process.ts";
import { rootTest } from "./harness/root_only.ts";

const SERVER = new URL("./harness/servers/pod_http_server.mjs", import.meta.url).pathname;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

async function podServer(pod: Pod, port: number, h2Port?: number): Promise<void> {
  const args = [SERVER, "--http", String(port)];
  if (h2Port) args.push("--h2", String(h2Port));
  await pod.spawn("/usr/bin/node", args, "ready");
}

async function stealClient(address: { hostname: string; port: number }): Promise<IncomingClient> {
  const client = await AgentClient.connect(address);
  await client.negotiate();
  return new IncomingClient(client);
}

function curl(...args: string[]): Promise<string> {
  return run("curl", ["-sS", "--max-time", "10", ...args]);
}

async function natRules(pod: Pod): Promise<string> {
  return await run("/usr/bin/nsenter", [
    `--net=${pod.netnsPath}`,
    "iptables-legacy",
    "-t",
    "nat",
    "-S",
  ]) +
    await run("/usr/bin/nsenter", [`--net=${pod.netnsPath}`, "iptables-nft", "-t", "nat", "-S"]);
}

rootTest("steal: an unfiltered steal relays raw TCP both ways, with half-close", async () => {
  await using pod = await createPod();
  await using agent = await startAgent(pod);
  const steal = await stealClient(agent.address);
  try {
    deepEqual(await steal.subscribeSteal({ All: 9000 }), { Ok: 9000 });
    steal.relay((_, data) => data.length === 0 ? new Uint8Array(0) : bytes(`stolen:${text(data)}`));
    const conn = await Deno.connect({ hostname: pod.podIp, port: 9000 });
    await conn.write(bytes("hello"));
    const buffer = new Uint8Array(100);
    const n = await conn.read(buffer);
    equal(text(buffer.subarray(0, n!)), "stolen:hello");
    await conn.closeWrite();
    equal(await conn.read(buffer), null);
    conn.close();
    await steal.until(() => steal.seen.some((m) => m.TcpSteal?.Close));
    const announced = steal.seen.find((m) => m.TcpSteal?.NewConnectionV2).TcpSteal.NewConnectionV2;
    equal(announced.connection.destination_port, 9000);
    equal(announced.connection.remote_address, pod.hostIp);
    equal(announced.connection.local_address, pod.podIp);
    equal(announced.transport, "Tcp");
    match(await natRules(pod), new RegExp(`MRDIN_${pod.targetPid}`));
  } finally {
    steal.client.close();
  }
});

rootTest(
  "steal: an unfiltered steal of HTTP is answered by the client, request by request",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using agent = await startAgent(pod);
    equal(await curl(`http://${pod.podIp}:8080/x`), "pod GET /x ");
    const steal = await stealClient(agent.address);
    try {
      deepEqual(await steal.subscribeSteal({ All: 8080 }), { Ok: 8080 });
      steal.answer((request) => ({
        status: 200,
        headers: [["x-served-by", "client"]],
        body: ["stolen ", `${request.method} ${request.uri} ${request.body}`],
      }));
      equal(
        await curl(`http://${pod.podIp}:8080/a?b=1`, "-d", "payload"),
        "stolen POST /a?b=1 payload",
      );
      const request = steal.requests[0];
      equal(request.version, "HTTP/1.1");
      ok(request.headers.some(([name]) => name === "user-agent"));
      match(request.metadata.V1.source, new RegExp(`^${pod.hostIp}:\\d+$`));
      equal(request.metadata.V1.destination, `${pod.podIp}:8080`);
    } finally {
      steal.client.close();
    }
    // The client left: the port is the pod's again and the chains are gone.
    await steal.until(() => true);
    for (let i = 0; i < 50 && (await natRules(pod)).includes("MRDIN_"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    equal(await curl(`http://${pod.podIp}:8080/back`), "pod GET /back ");
    ok(!(await natRules(pod)).includes("MRDIN_"));
  },
);

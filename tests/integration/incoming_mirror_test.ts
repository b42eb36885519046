/**
 * Mirror through the agent against a real pod: the pod's own servers keep answering while
 * mirroring clients receive copies — raw TCP as a connection with its data, HTTP request by
 * request, filtered per client.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { createPod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient } from "./harness/agent_client.ts";
import { IncomingClient } from "./harness/incoming_client.ts";
import { run } from "./harness/process.ts";
import { rootTest } from "./harness/root_only.ts";

const SERVER = new URL("./harness/servers/pod_http_server.mjs", import.meta.url).pathname;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

async function mirrorClient(address: { hostname: string; port: number }): Promise<IncomingClient> {
  const client = await AgentClient.connect(address);
  await client.negotiate();
  return new IncomingClient(client);
}

rootTest("mirror: a raw TCP connection is copied while the pod's echo server answers", async () => {
  await using pod = await createPod();
  await using agent = await startAgent(pod);
  const mirror = await mirrorClient(agent.address);
  try {
    deepEqual(await mirror.subscribeMirror({ PortSubscribe: pod.echoTcp.port }), {
      Ok: pod.echoTcp.port,
    });
    mirror.record();
    // The echo server rejects the host, but the agent passes the connection on from inside.
    const conn = await Deno.connect({ hostname: pod.podIp, port: pod.echoTcp.port });
    await conn.write(bytes("\x00\x01binary hello"));
    const buffer = new Uint8Array(100);
    const n = await conn.read(buffer);
    equal(text(buffer.subarray(0, n!)), "\x00\x01binary hello");
    await conn.closeWrite();
    equal(await conn.read(buffer), null);
    conn.close();
    await mirror.until(() => mirror.seen.some((m) => m.Tcp?.Close));
    const [announced, data, eof, close] = mirror.seen.filter((m) => m.Tcp);
    equal(announced.Tcp.NewConnectionV2.connection.destination_port, pod.echoTcp.port);
    equal(announced.Tcp.NewConnectionV2.connection.remote_address, pod.hostIp);
    const id = announced.Tcp.NewConnectionV2.connection.connection_id;
    deepEqual(data.Tcp.Data, { connection_id: id, bytes: bytes("\x00\x01binary hello") });
    deepEqual(eof.Tcp.Data, { connection_id: id, bytes: new Uint8Array(0) });
    deepEqual(close.Tcp.Close, { connection_id: id });
  } finally {
    mirror.client.close();
  }
});

rootTest("mirror: HTTP requests are copied to every matching client, the pod answers", async () => {
  await using pod = await createPod();
  await pod.spawn("/usr/bin/node", [SERVER, "--http", "8080"], "ready");
  await using agent = await startAgent(pod);
  const all = await mirrorClient(agent.address);
  const filtered = await mirrorClient(agent.address);
  try {
    deepEqual(await all.subscribeMirror({ PortSubscribe: 8080 }), { Ok: 8080 });
    deepEqual(
      await filtered.subscribeMirror({ PortSubscribeFilteredHttp: [8080, { Method: "Post" }] }),
      { Ok: 8080 },
    );
    all.record();
    filtered.record();
    const url = `http://${pod.podIp}:8080`;
    const answers = await run("curl", [
      "-sS",
      "-w",
      "|",
      `${url}/one`,
      `${url}/chunked`,
      "-d",
      "posted",
    ]);
    equal(answers, "pod POST /one posted|pod-part-1,pod-part-2,pod-part-3|");
    await all.until(() => all.requests.length === 2);
    await filtered.until(() => filtered.requests.length === 2);
    deepEqual(all.requests.map((r) => [r.method, r.uri, r.body]), [
      ["POST", "/one", "posted"],
      ["POST", "/chunked", "posted"],
    ]);
    equal(await run("curl", ["-sS", `${url}/get`]), "pod GET /get ");
    await all.until(() => all.requests.length === 3);
    equal(filtered.requests.length, 2, "GET does not match the POST filter");
    ok(all.requests.every((r) => r.metadata.V1.destination === `${pod.podIp}:8080`));
  } finally {
    all.client.close();
    filtered.client.close();
  }
});

/**
 * The agent's process life: many clients with separate state, a garbage-sending client dropped
 * alone, the communication timeout, exit when the last client leaves or the target exits, the
 * targetless refusals and bad arguments.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createPod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient } from "./harness/agent_client.ts";
import { rootTest } from "./harness/root_only.ts";
import { OPEN_READ_ONLY as READ } from "./harness/agent_client.ts";

rootTest("agent serves many clients at once, each with its own fd table", async () => {
  await using pod = await createPod({ files: { "a.txt": "A" } });
  await using agent = await startAgent(pod);
  const clients = await Promise.all(
    Array.from({ length: 6 }, () => AgentClient.connect(agent.address)),
  );
  try {
    await Promise.all(clients.map((client) => client.negotiate()));
    const fds = await Promise.all(clients.map(async (client) => {
      const reply = await client.request({
        FileRequest: { Open: { path: "/srv/a.txt", open_options: READ } },
      });
      return reply.File.Open.Ok.fd;
    }));
    deepEqual(fds, Array(6).fill(0n));
    await clients[0].send({ FileRequest: { Close: { fd: 0n } } });
    const stillOpen = await clients[1].request({
      FileRequest: { Read: { remote_fd: 0n, buffer_size: 8n } },
    });
    equal(new TextDecoder().decode(stillOpen.File.Read.Ok.bytes), "A");
    const closed = await clients[0].request({
      FileRequest: { Read: { remote_fd: 0n, buffer_size: 8n } },
    });
    deepEqual(closed, { File: { Read: { Err: { NotFound: 0n } } } });
  } finally {
    for (const client of clients) client.close();
  }
});

rootTest("agent drops only the client that sends garbage", async () => {
  await using pod = await createPod();
  await using agent = await startAgent(pod);
  await using good = await AgentClient.connect(agent.address);
  await good.negotiate();
  await using bad = await AgentClient.connect(agent.address);
  await bad.sendRaw(new Uint8Array([0xff, 0xfe, 0x13, 0x37, 0x00, 0x99, 0xff, 0xff]));
  const last = await bad.receive();
  ok(last === null || "Close" in last, `expected Close or EOF, got ${JSON.stringify(last)}`);
  equal(await bad.receive(), null);
  equal(await good.request("Ping"), "Pong");
  ok(agent.output.some((line) => line.includes("cannot decode")));
});

rootTest(
  "agent exits with an error when no client comes within the communication timeout",
  async () => {
    await using pod = await createPod();
    await using agent = await startAgent(pod, { communicationTimeoutSecs: 1 });
    equal(await agent.exited, 1);
    ok(agent.output.some((line) => line.includes("first connection timeout")));
  },
);

rootTest("agent exits when its last client leaves and when its target exits", async () => {
  await using pod = await createPod();
  await using agent = await startAgent(pod);
  const client = await AgentClient.connect(agent.address);
  await client.negotiate();
  await client.send("Close");
  equal(await client.receive(), null);
  client.close();
  equal(await agent.exited, 0);

  await using second = await startAgent(pod);
  await using watcher = await AgentClient.connect(second.address);
  equal(await watcher.request("Ping"), "Pong");
  await pod.target.kill();
  const goodbye = await watcher.receive();
  match(goodbye.Close, /target process \d+ exited/);
  equal(await second.exited, 0);
});

rootTest("targetless agent refuses mirroring with a Close", async () => {
  await using agent = await startAgent(null);
  await using client = await AgentClient.connect(agent.address);
  await client.negotiate();
  const reply = await client.request({ Tcp: { PortSubscribe: 80 } });
  match(reply.Close, /targetless/);
});

rootTest("agent rejects bad arguments with exit code 2 and the usage", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "agent/main.ts", "targeted", "--container-runtime", "podman"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(out.code, 2);
  match(new TextDecoder().decode(out.stderr), /"podman" is not one of docker, containerd/);
});

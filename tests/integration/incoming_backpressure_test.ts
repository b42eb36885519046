/**
 * No unbounded buffering in the agent (issue 6 §2, §6): a client that reads too slowly loses its
 * mirror copies instead of growing the agent's memory; a stolen connection whose client or peer
 * cannot keep up is paused instead of queued without limit — and nothing is lost or reordered
 * once the slow side catches up. Bounds are read from the agent's metrics endpoint.
 */
import { equal, ok } from "node:assert/strict";
import { createPod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient } from "./harness/agent_client.ts";
import { rootTest } from "./harness/root_only.ts";
import { MIRROR_CLIENT_BACKLOG } from "../../agent/features/mirror.ts";
import { CLIENT_SEND_BUDGET } from "../../agent/client_connection.ts";
import { MAX_READ_BUFFER } from "../../agent/features/conn_reader.ts";
import { PEER_QUEUE_LIMIT } from "../../agent/features/stolen_connection.ts";

// deno-lint-ignore no-explicit-any
type Message = any;

const SERVER = new URL("./harness/servers/pod_http_server.mjs", import.meta.url).pathname;
const MiB = 1024 * 1024;
/** More than every socket buffer on the way can hold (receive buffers grow to 32 MiB here). */
const STREAM_BYTES = 128 * MiB;
/** Room for one message's framing beyond the payload. */
const MESSAGE_OVERHEAD = 1024;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function metrics(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(\w+) (\S+)$/.exec(line);
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 60000;
  while (!await condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `count()` stopped growing for a second. */
async function untilStalled(count: () => number): Promise<void> {
  let last = -1;
  let since = Date.now();
  await waitFor("progress to stop", () => {
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
    return Date.now() - since >= 1000;
  });
}

async function agentFor(pod: Awaited<ReturnType<typeof createPod>>) {
  const metricsPort = freePort();
  const agent = await startAgent(pod, {
    env: { MIRRORD_AGENT_METRICS: `127.0.0.1:${metricsPort}` },
  });
  return { agent, metricsPort };
}

async function subscribed(client: AgentClient, request: Message): Promise<void> {
  await client.send(request);
  while (true) {
    const message = await client.receive();
    const result = message?.Tcp?.SubscribeResult ?? message?.TcpSteal?.SubscribeResult;
    if (result) return void ok("Ok" in result, JSON.stringify(result));
  }
}

/** A pod, an agent, a client stealing port 9000 and a peer connected to it. */
async function stolenConnection() {
  const pod = await createPod();
  const { agent, metricsPort } = await agentFor(pod);
  const client = await AgentClient.connect(agent.address);
  await client.negotiate();
  await subscribed(client, { TcpSteal: { PortSubscribe: { All: 9000 } } });
  const peer = await Deno.connect({ hostname: pod.podIp, port: 9000 });
  return {
    client,
    peer,
    metricsPort,
    async [Symbol.asyncDispose]() {
      peer.close();
      client.close();
      await agent.stop();
      await pod.close();
    },
  };
}

/** Byte `i` of the test stream. */
const streamByte = (i: number) => (i + Math.floor(i / MiB)) & 0xff;

function streamBlock(block: number): Uint8Array {
  return Uint8Array.from({ length: MiB }, (_, j) => streamByte(block * MiB + j));
}

/** Checks bytes at a stream offset; returns the next offset. */
function checkStream(bytes: Uint8Array, offset: number): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== streamByte(offset + i)) {
      throw new Error(
        `stream byte ${offset + i} is ${bytes[i]}, expected ${streamByte(offset + i)}`,
      );
    }
  }
  return offset + bytes.length;
}

rootTest(
  "mirror: a client that stops reading loses copies, not the agent's memory; the pod answers all",
  async () => {
    await using pod = await createPod();
    await pod.spawn("/usr/bin/node", [SERVER, "--http", "8080"], "ready");
    const { agent, metricsPort } = await agentFor(pod);
    await using _agent = agent;
    await using slow = await AgentClient.connect(agent.address);
    await slow.negotiate();
    await subscribed(slow, { Tcp: { PortSubscribe: 8080 } });
    // From here on the client reads nothing until the end.
    const body = "m".repeat(256 * 1024);
    const requests = 256; // 64 MiB of request bodies to copy
    let maxQueued = 0;
    for (let sent = 0; sent < requests; sent += 8) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const response = await fetch(`http://${pod.podIp}:8080/m`, { method: "POST", body });
          return await response.text();
        }),
      );
      for (const answer of answers) equal(answer, `pod POST /m ${body}`);
      const queued = (await metrics(metricsPort)).get("mirrord_agent_client_queued_bytes")!;
      maxQueued = Math.max(maxQueued, queued);
    }
    const figures = await metrics(metricsPort);
    ok(figures.get("mirrord_agent_mirror_flows_dropped_total")! > 0, "copies were dropped");
    ok(
      maxQueued <= MIRROR_CLIENT_BACKLOG + MAX_READ_BUFFER + MESSAGE_OVERHEAD,
      `the agent queued ${maxQueued} bytes for the client`,
    );
    // What the client gets when it reads again: the warning, aborted copies, and far less than
    // every copy.
    let received = 0;
    let warned = false;
    let aborted = 0;
    while (true) {
      const message = await slow.receive(2000).catch(() => null);
      if (message === null) break;
      if (message.LogMessage && /too slowly/.test(message.LogMessage.message)) warned = true;
      const chunked = message.Tcp?.HttpRequestChunked;
      if (chunked?.ErrorV2) aborted++;
      for (const frame of chunked?.Body?.frames ?? chunked?.StartV2?.request.body.frames ?? []) {
        if (frame.Data) received += frame.Data.length;
      }
    }
    ok(warned, "the client was told it reads too slowly");
    ok(aborted > 0, "flows in progress were aborted with ErrorV2");
    ok(received < requests * body.length, `got ${received} of ${requests * body.length} bytes`);
  },
);

rootTest(
  "steal: a peer sending faster than its client reads is paused, then relayed in full",
  async () => {
    await using setup = await stolenConnection();
    const { client, peer, metricsPort } = setup;
    let written = 0;
    const writing = (async () => {
      for (let block = 0; block * MiB < STREAM_BYTES; block++) {
        const bytes = streamBlock(block);
        for (let at = 0; at < bytes.length;) {
          const n = await peer.write(bytes.subarray(at));
          at += n;
          written += n;
        }
      }
      await peer.closeWrite();
    })();
    // The client reads nothing: the agent fills its send budget, then stops reading the peer.
    await waitFor(
      "the agent to queue for the client",
      async () =>
        (await metrics(metricsPort)).get("mirrord_agent_client_queued_bytes")! >=
          CLIENT_SEND_BUDGET / 2,
    );
    await untilStalled(() => written);
    ok(written < STREAM_BYTES, `the peer could write everything (${written} bytes) unread`);
    const queued = (await metrics(metricsPort)).get("mirrord_agent_client_queued_bytes")!;
    ok(
      queued <= CLIENT_SEND_BUDGET + MAX_READ_BUFFER + MESSAGE_OVERHEAD,
      `the agent queued ${queued} bytes for the client`,
    );
    // The client catches up: every byte arrives, in order.
    let offset = 0;
    while (true) {
      const message = await client.receive();
      const data = message?.TcpSteal?.Data;
      if (!data) continue;
      if (data.bytes.length === 0) break;
      offset = checkStream(data.bytes, offset);
    }
    equal(offset, STREAM_BYTES);
    await writing;
  },
);

rootTest(
  "steal: a client sending faster than the peer reads waits, then everything arrives",
  async () => {
    await using setup = await stolenConnection();
    const { client, peer, metricsPort } = setup;
    await peer.write(new Uint8Array([0])); // not HTTP: stolen as raw TCP at once
    let id: bigint | undefined;
    while (id === undefined) {
      const message = await client.receive();
      id = message?.TcpSteal?.NewConnectionV2?.connection.connection_id;
    }
    let sent = 0;
    const sending = (async () => {
      for (let block = 0; block * MiB < STREAM_BYTES; block++) {
        const bytes = streamBlock(block);
        for (let at = 0; at < MiB; at += 64 * 1024) {
          await client.send({
            TcpSteal: { Data: { connection_id: id, bytes: bytes.subarray(at, at + 64 * 1024) } },
          });
          sent += 64 * 1024;
        }
      }
      await client.send({ TcpSteal: { Data: { connection_id: id, bytes: new Uint8Array(0) } } });
    })();
    // The peer reads nothing: the agent queues up to its limit for it, then stops reading the
    // client.
    await untilStalled(() => sent);
    ok(sent < STREAM_BYTES, `the client could send everything (${sent} bytes) unread`);
    const queued = (await metrics(metricsPort)).get("mirrord_agent_peer_queued_bytes")!;
    ok(queued > 0, "the agent queued bytes for the peer");
    ok(
      queued <= PEER_QUEUE_LIMIT + 64 * 1024 + MESSAGE_OVERHEAD,
      `the agent queued ${queued} bytes for the peer`,
    );
    // The peer catches up: every byte arrives, in order, then EOF.
    const buffer = new Uint8Array(256 * 1024);
    let offset = 0;
    while (true) {
      const n = await peer.read(buffer);
      if (n === null) break;
      offset = checkStream(buffer.subarray(0, n), offset);
    }
    equal(offset, STREAM_BYTES);
    await sending;
  },
);

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
import { natRules, natRulesOnceClean } from "./harness/pod_iptables.ts";
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
    const nat = await natRulesOnceClean(pod, Date.now() + 5000);
    equal(await curl(`http://${pod.podIp}:8080/back`), "pod GET /back ");
    ok(!nat.includes("MRDIN_"), nat);
  },
);

const CLIENTS = new URL("./fixtures/http_clients.mjs", import.meta.url).pathname;

function node(...args: string[]): Promise<string> {
  return run("/usr/bin/node", [CLIENTS, ...args]);
}

const headerFilter = (regex: string) => ({ Header: regex });
const pathFilter = (regex: string) => ({ Path: regex });

rootTest(
  "steal: header and path filters pick requests, the rest reach the pod's server",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using agent = await startAgent(pod);
    const steal = await stealClient(agent.address);
    try {
      const filter = {
        Composite: { all: false, filters: [headerFilter("^x-user: me$"), pathFilter("^/mine")] },
      };
      deepEqual(await steal.subscribeSteal({ FilteredHttpEx: [8080, filter] }), { Ok: 8080 });
      steal.answer((request) => ({ status: 201, body: `client ${request.uri}` }));
      const url = `http://${pod.podIp}:8080`;
      equal(await curl("-H", "X-User: me", `${url}/a`), "client /a");
      equal(await curl("-H", "X-User: you", `${url}/a`), "pod GET /a ");
      equal(await curl(`${url}/mine?q=1`), "client /mine?q=1");
      equal(await curl(`${url}/other/mine`), "pod GET /other/mine ");
      equal(await curl("-o", "/dev/null", "-w", "%{http_code}", `${url}/mine`), "201");
      // Keep-alive: one connection, requests alternating between the client and the pod.
      const mixed = await curl(
        "-w",
        "|%{num_connects}\n",
        `${url}/mine/1`,
        `${url}/pod/2`,
        `${url}/mine/3`,
        "-d",
        "body",
      );
      deepEqual(mixed.trim().split("\n"), [
        "client /mine/1|1",
        "pod POST /pod/2 body|0",
        "client /mine/3|0",
      ]);
      equal(steal.requests.at(-1)!.body, "body");
    } finally {
      steal.client.close();
    }
  },
);

rootTest(
  "steal: two clients with different filters on one port each get their requests",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using agent = await startAgent(pod);
    const alice = await stealClient(agent.address);
    const bob = await stealClient(agent.address);
    try {
      deepEqual(
        await alice.subscribeSteal({ FilteredHttpEx: [8080, headerFilter("x-who: alice")] }),
        { Ok: 8080 },
      );
      deepEqual(await bob.subscribeSteal({ FilteredHttp: [8080, "x-who: bob"] }), { Ok: 8080 });
      alice.answer(() => ({ status: 200, body: "alice" }));
      bob.answer(() => ({ status: 200, body: "bob" }));
      const url = `http://${pod.podIp}:8080/`;
      equal(await curl("-H", "x-who: alice", url), "alice");
      equal(await curl("-H", "x-who: bob", url), "bob");
      equal(await curl("-H", "x-who: carol", url), "pod GET / ");
      // A third client cannot take the whole port from them.
      const carol = await stealClient(agent.address);
      try {
        deepEqual(await carol.subscribeSteal({ All: 8080 }), { Err: { PortAlreadyStolen: 8080 } });
      } finally {
        carol.client.close();
      }
      equal(await curl("-H", "x-who: alice", url), "alice");
    } finally {
      alice.client.close();
      bob.client.close();
    }
  },
);

rootTest(
  "steal: a second unfiltered stealer gets PortAlreadyStolen with an explanation",
  async () => {
    await using pod = await createPod();
    await using agent = await startAgent(pod);
    const first = await stealClient(agent.address);
    const second = await stealClient(agent.address);
    try {
      deepEqual(await first.subscribeSteal({ All: 8080 }), { Ok: 8080 });
      deepEqual(await second.subscribeSteal({ All: 8080 }), { Err: { PortAlreadyStolen: 8080 } });
      second.record();
      await second.until(() => second.logs.length > 0);
      match(second.logs[0], /Cannot steal port 8080: another mirrord session .* already steals it/);
      // A filter regex outside the dialect is refused with mirrord's error.
      const bad = await second.subscribeSteal({ FilteredHttpEx: [8081, headerFilter("a(?>b)")] });
      equal(bad.Err.Remote.BadHttpFilterExRegex[0].Header, "a(?>b)");
    } finally {
      first.client.close();
      second.client.close();
    }
  },
);

rootTest("steal: HTTP/2 with prior knowledge, matched and passed through", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080, 8081);
  await using agent = await startAgent(pod);
  const steal = await stealClient(agent.address);
  try {
    deepEqual(
      await steal.subscribeSteal({ FilteredHttpEx: [8081, pathFilter("^/stolen")] }),
      { Ok: 8081 },
    );
    steal.answer((request) => ({
      status: 200,
      headers: [["x-served-by", "client"]],
      body: `client ${request.version} ${request.method} ${request.uri} ${request.body}`,
    }));
    const url = `http://${pod.podIp}:8081`;
    equal(
      await curl("--http2-prior-knowledge", "-d", "hi", `${url}/stolen/x`),
      `client HTTP/2.0 POST http://${pod.podIp}:8081/stolen/x hi`,
    );
    equal(await curl("--http2-prior-knowledge", `${url}/other`), "pod h2 GET /other ");
    // Several streams at once on one connection, split between the client and the pod.
    const both = await node("h2-get", pod.podIp, "8081", "/stolen/1", "/pod/2", "/stolen/3");
    deepEqual(both.trim().split("\n").map((line) => line.trimEnd()), [
      `200 client HTTP/2.0 GET http://${pod.podIp}:8081/stolen/1`,
      "200 pod h2 GET /pod/2",
      `200 client HTTP/2.0 GET http://${pod.podIp}:8081/stolen/3`,
    ]);
  } finally {
    steal.client.close();
  }
});

rootTest("steal: a gRPC-style bidirectional h2c stream, stolen and passed through", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080, 8081);
  await using agent = await startAgent(pod);
  // Passed through: the pod's server echoes each message before the next one is sent.
  const steal = await stealClient(agent.address);
  try {
    deepEqual(
      await steal.subscribeSteal({ FilteredHttpEx: [8081, headerFilter("^x-never: ")] }),
      { Ok: 8081 },
    );
    steal.answer(() => null);
    const passed = await node("h2-stream", pod.podIp, "8081", "one", "two", "three");
    deepEqual(passed.trim().split("\n"), [
      "status 200",
      "data pod:one",
      "data pod:two",
      "data pod:three",
      "trailer grpc-status=0",
    ]);
  } finally {
    steal.client.close();
  }
  // Stolen: the test client answers each request frame as it arrives, then ends with trailers.
  const client = await AgentClient.connect(agent.address);
  await client.negotiate();
  const stolen = new IncomingClient(client);
  try {
    deepEqual(
      await stolen.subscribeSteal({
        FilteredHttpEx: [8081, headerFilter("^content-type: application/grpc")],
      }),
      { Ok: 8081 },
    );
    const running = node("h2-stream", pod.podIp, "8081", "one", "two");
    const start = await client.receive();
    const { connection_id, request } = start.TcpSteal.HttpRequestChunked.StartV2;
    equal(request.version, "HTTP/2.0");
    equal(request.body.is_last, false);
    const ids = { port: 8081, connection_id, request_id: 0 };
    const respondChunk = async (data: string, isLast: boolean, trailers = false) =>
      await client.send({
        TcpSteal: {
          HttpResponseChunked: {
            Body: {
              frames: trailers ? [{ Trailers: [["grpc-status", "0"]] }] : [{ Data: bytes(data) }],
              is_last: isLast,
              connection_id,
              request_id: 0,
            },
          },
        },
      });
    await client.send({
      TcpSteal: {
        HttpResponseChunked: {
          Start: {
            ...ids,
            internal_response: {
              status: 200,
              version: "HTTP/2.0",
              headers: [["content-type", "application/grpc"]],
              body: [],
            },
          },
        },
      },
    });
    for (const expected of ["zero", "one", "two"]) {
      let body = await client.receive();
      while (!body.TcpSteal?.HttpRequestChunked?.Body) body = await client.receive();
      const frames = body.TcpSteal.HttpRequestChunked.Body.frames;
      if (expected === "zero") {
        // The first message was sent before the head arrived? It is in Start or here.
        equal(text(frames[0].Data), "one");
        await respondChunk("client:one", false);
        continue;
      }
      if (expected === "one") {
        equal(text(frames[0].Data), "two");
        await respondChunk("client:two", false);
        continue;
      }
      equal(body.TcpSteal.HttpRequestChunked.Body.is_last, true);
      await respondChunk("", true, true);
    }
    deepEqual((await running).trim().split("\n"), [
      "status 200",
      "data client:one",
      "data client:two",
      "trailer grpc-status=0",
    ]);
  } finally {
    client.close();
  }
});

rootTest(
  "steal: a matched WebSocket upgrade becomes a stolen raw connection after 101",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using agent = await startAgent(pod);
    const steal = await stealClient(agent.address);
    try {
      deepEqual(
        await steal.subscribeSteal({ FilteredHttpEx: [8080, pathFilter("^/ws/stolen")] }),
        { Ok: 8080 },
      );
      steal.answer(() => ({
        status: 101,
        headers: [["upgrade", "websocket"], ["connection", "Upgrade"]],
      }));
      // Echo, and finish sending when the peer did (as a local app closing its socket would).
      steal.relay((_, data) => data.length ? bytes(`client:${text(data)}`) : new Uint8Array(0));
      const stolen = await node("upgrade", pod.podIp, "8080", "/ws/stolen", "ping");
      deepEqual(stolen.trim().split("\n"), [
        "HTTP/1.1 101 Switching Protocols",
        "data client:ping",
      ]);
      const passed = await node("upgrade", pod.podIp, "8080", "/ws/pod", "ping");
      deepEqual(passed.trim().split("\n"), ["HTTP/1.1 101 Switching Protocols", "data pod:ping"]);
    } finally {
      steal.client.close();
    }
  },
);

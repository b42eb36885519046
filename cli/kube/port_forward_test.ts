import assert from "node:assert/strict";
import { startFakeApiServer } from "./_test/fake_api_server.ts";
import { KubeClient } from "./api_client.ts";
import { KubeApiError } from "./kube_errors.ts";
import { openPortForward, PortForwardError } from "./port_forward.ts";

/** A kubelet-like port-forward endpoint: port prefix on both channels, then `behaviour`. */
function kubeletLike(
  behaviour: (socket: WebSocket, port: number) => void,
): (request: Request) => Response {
  return (request) => {
    const url = new URL(request.url);
    if (!url.pathname.endsWith("/portforward")) return new Response("no", { status: 404 });
    if (request.headers.get("sec-websocket-protocol")?.split(/,\s*/)[0] !== "v4.channel.k8s.io") {
      return new Response("bad protocol", { status: 400 });
    }
    const port = Number(url.searchParams.get("ports"));
    const { socket, response } = Deno.upgradeWebSocket(request, { protocol: "v4.channel.k8s.io" });
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      for (const channel of [0, 1]) socket.send(new Uint8Array([channel, port & 0xff, port >> 8]));
      behaviour(socket, port);
    };
    return response;
  };
}

async function readAll(stream: { read(b: Uint8Array): Promise<number | null> }, size: number) {
  const out = new Uint8Array(size);
  let got = 0;
  while (got < size) {
    const n = await stream.read(out.subarray(got));
    if (n === null) break;
    got += n;
  }
  return out.subarray(0, got);
}

Deno.test("openPortForward() carries bytes both ways on the data channel", async () => {
  const server = startFakeApiServer(kubeletLike((socket) => {
    socket.onmessage = (event) => {
      const data = new Uint8Array(event.data as ArrayBuffer);
      if (data[0] === 0) socket.send(data); // echo on the data channel
    };
  }));
  try {
    const client = new KubeClient(server.access());
    const stream = await openPortForward(client, "ns", "agent-pod", 41234);
    assert.equal(
      server.requests[0].target,
      "/api/v1/namespaces/ns/pods/agent-pod/portforward?ports=41234",
    );
    // Larger than one message: it is split and must come back whole and in order.
    const payload = crypto.getRandomValues(new Uint8Array(50_000));
    const big = new Uint8Array(200_000);
    for (let i = 0; i < 4; i++) big.set(payload, i * 50_000);
    let written = 0;
    while (written < big.length) written += await stream.write(big.subarray(written));
    assert.deepEqual(await readAll(stream, big.length), big);
    stream.close();
  } finally {
    await server.close();
  }
});

Deno.test("openPortForward() reports the kubelet's error channel text", async () => {
  const server = startFakeApiServer(kubeletLike((socket, port) => {
    socket.send(
      new Uint8Array([
        1,
        ...new TextEncoder().encode(`error forwarding port ${port}: connection refused`),
      ]),
    );
    setTimeout(() => socket.close(), 10);
  }));
  try {
    const stream = await openPortForward(new KubeClient(server.access()), "ns", "pod", 9);
    await assert.rejects(stream.read(new Uint8Array(10)), (error: PortForwardError) => {
      assert.ok(error instanceof PortForwardError);
      assert.match(
        error.message,
        /Cannot forward to ns\/pod:9: error forwarding port 9: connection refused/,
      );
      return true;
    });
    stream.close();
  } finally {
    await server.close();
  }
});

Deno.test("openPortForward() ends the stream when the pod side closes", async () => {
  const server = startFakeApiServer(kubeletLike((socket) => {
    socket.send(new Uint8Array([0, 104, 105]));
    setTimeout(() => socket.close(1000), 10);
  }));
  try {
    const stream = await openPortForward(new KubeClient(server.access()), "ns", "pod", 80);
    const buffer = new Uint8Array(10);
    assert.equal(await stream.read(buffer), 2);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, 2)), "hi");
    assert.equal(await stream.read(buffer), null);
    stream.close();
  } finally {
    await server.close();
  }
});

Deno.test("openPortForward() fails at once, with the permission to ask for, when Forbidden", async () => {
  let calls = 0;
  const server = startFakeApiServer(() => {
    calls++;
    return new Response(
      JSON.stringify({
        kind: "Status",
        code: 403,
        reason: "Forbidden",
        message:
          'pods "agent" is forbidden: User "narrow" cannot create resource "pods/portforward"',
      }),
      { status: 403 },
    );
  });
  try {
    await assert.rejects(
      openPortForward(new KubeClient(server.access()), "ns", "agent", 1),
      (error: KubeApiError) => {
        assert.equal(error.reason, "Forbidden");
        assert.match(error.hint!, /"create" on pods\/portforward in "ns"/);
        return true;
      },
    );
    assert.equal(calls, 1);
  } finally {
    await server.close();
  }
});

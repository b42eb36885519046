/**
 * What our Kubernetes port-forward client costs: 1-byte round trips (median, p99) and bulk
 * throughput through `openPortForward()` — TLS via `node:tls`, HTTP upgrade, WebSocket framing,
 * the `v4.channel.k8s.io` channels — against a local stand-in for the API server and kubelet that
 * echoes the data channel. The same is measured on a plain loopback TCP echo, so the figures read
 * as overhead. Figures, not assertions.
 *
 * `deno run -A tests/bench/kube_port_forward.ts [round trips = 2000] [MiB = 64]`
 *
 * @module
 */
import { startFakeApiServer } from "../../cli/kube/_test/fake_api_server.ts";
import { KubeClient } from "../../cli/kube/api_client.ts";
import type { ByteStream } from "../../cli/kube/byte_stream.ts";
import { openPortForward } from "../../cli/kube/port_forward.ts";

const ROUND_TRIPS = Number(Deno.args[0] ?? 2000);
const MIB = Number(Deno.args[1] ?? 64);

async function roundTrips(stream: ByteStream): Promise<{ median: number; p99: number }> {
  const byte = new Uint8Array([42]);
  const buffer = new Uint8Array(16);
  const samples: number[] = [];
  for (let i = 0; i < ROUND_TRIPS + 50; i++) {
    const start = performance.now();
    await stream.write(byte);
    await stream.read(buffer);
    if (i >= 50) samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)],
    p99: samples[Math.floor(samples.length * 0.99)],
  };
}

async function throughput(stream: ByteStream): Promise<number> {
  const chunk = crypto.getRandomValues(new Uint8Array(64 * 1024));
  const total = MIB * 1024 * 1024;
  const start = performance.now();
  const writer = (async () => {
    for (let sent = 0; sent < total;) sent += await stream.write(chunk);
  })();
  const buffer = new Uint8Array(256 * 1024);
  for (let got = 0; got < total;) {
    const n = await stream.read(buffer);
    if (n === null) throw new Error("the echo ended early");
    got += n;
  }
  await writer;
  return MIB / ((performance.now() - start) / 1000);
}

const server = startFakeApiServer((request) => {
  const { socket, response } = Deno.upgradeWebSocket(request, { protocol: "v4.channel.k8s.io" });
  socket.binaryType = "arraybuffer";
  socket.onopen = () => {
    for (const channel of [0, 1]) socket.send(new Uint8Array([channel, 0, 0]));
  };
  socket.onmessage = (event) => socket.send(event.data);
  return response;
});
const echo = Deno.listen({ hostname: "127.0.0.1", port: 0 });
(async () => {
  for await (const conn of echo) {
    conn.setNoDelay(true);
    conn.readable.pipeTo(conn.writable).catch(() => {});
  }
})();

const client = new KubeClient(server.access());
const openStart = performance.now();
const forward = await openPortForward(client, "ns", "pod", 1);
const openMs = performance.now() - openStart;
const rtt = await roundTrips(forward);
const mbps = await throughput(forward);
forward.close();

const tcp = await Deno.connect({ hostname: "127.0.0.1", port: echo.addr.port });
tcp.setNoDelay(true);
const tcpRtt = await roundTrips(tcp);
const tcpMbps = await throughput(tcp);
tcp.close();

console.log(`port-forward open (TLS + upgrade): ${openMs.toFixed(1)} ms`);
console.log(
  `1-byte round trip: port-forward median ${rtt.median.toFixed(0)} µs, p99 ${
    rtt.p99.toFixed(0)
  } µs; loopback TCP median ${tcpRtt.median.toFixed(0)} µs, p99 ${tcpRtt.p99.toFixed(0)} µs`,
);
console.log(
  `throughput (${MIB} MiB echoed): port-forward ${mbps.toFixed(0)} MiB/s; loopback TCP ${
    tcpMbps.toFixed(0)
  } MiB/s`,
);
echo.close();
await server.close();
Deno.exit(0);

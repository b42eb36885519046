/**
 * Agent operation latency, beside the same operation done locally (so the overhead is a ratio):
 * a 1-byte remote read, 4 KiB open+read+close, outgoing connect + 1-byte echo, and a DNS lookup.
 * The remote side goes through a real agent (started on the host, serving a test pod) over the
 * protocol facade; the local side does the equivalent directly on this machine.
 *
 * Run as root: `deno run -A tests/bench/agent_ops.ts [iterations = 300]`. Prints median and p99
 * in microseconds. Figures, not assertions.
 *
 * @module
 */
import { createPod } from "../integration/harness/pod.ts";
import { startAgent } from "../integration/harness/agent.ts";
import { AgentClient } from "../integration/harness/agent_client.ts";
import { spawnUntilReady } from "../integration/harness/process.ts";
import { OPEN_READ_ONLY as READ } from "../integration/harness/agent_client.ts";

const ITERATIONS = Number(Deno.args[0] ?? 300);
const SERVERS = new URL("../integration/harness/servers/", import.meta.url).pathname;

async function measure(body: () => Promise<unknown>): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < 20; i++) await body();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await body();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)],
    p99: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))],
  };
}

function row(name: string, remote: { median: number; p99: number }, local: typeof remote) {
  const f = (n: number) => n.toFixed(0).padStart(7);
  console.log(
    `${name.padEnd(34)} remote median ${f(remote.median)} µs p99 ${f(remote.p99)} µs | ` +
      `local median ${f(local.median)} µs p99 ${f(local.p99)} µs | ratio ${
        (remote.median / local.median).toFixed(1)
      }x`,
  );
}

if (Deno.uid() !== 0) {
  console.error("Cannot run the agent benchmark: it needs root (network namespaces)");
  Deno.exit(1);
}

const payload = new Uint8Array(4096).fill(97);
await using pod = await createPod({ files: { "bench/4k.bin": payload } });
await using agent = await startAgent(pod, { env: { RUST_LOG: "warn" } });
await using client = await AgentClient.connect(agent.address);
await client.negotiate();
const localDir = await Deno.makeTempDir({ prefix: "agent_bench_" });
await Deno.writeFile(`${localDir}/4k.bin`, payload);

const remoteFd = (await client.request({
  FileRequest: { Open: { path: "/srv/bench/4k.bin", open_options: READ } },
})).File.Open.Ok.fd;
const localFile = await Deno.open(`${localDir}/4k.bin`);
const oneByte = new Uint8Array(1);
row(
  "1-byte read",
  await measure(() =>
    client.request({
      FileRequest: { ReadLimited: { remote_fd: remoteFd, buffer_size: 1n, start_from: 0n } },
    })
  ),
  await measure(async () => {
    await localFile.seek(0, Deno.SeekMode.Start);
    await localFile.read(oneByte);
  }),
);

const buffer = new Uint8Array(4096);
row(
  "4 KiB open+read+close",
  await measure(async () => {
    const fd = (await client.request({
      FileRequest: { Open: { path: "/srv/bench/4k.bin", open_options: READ } },
    })).File.Open.Ok.fd;
    await client.request({ FileRequest: { Read: { remote_fd: fd, buffer_size: 4096n } } });
    await client.send({ FileRequest: { Close: { fd } } });
  }),
  await measure(async () => {
    const file = await Deno.open(`${localDir}/4k.bin`);
    await file.read(buffer);
    file.close();
  }),
);

const localEcho = await spawnUntilReady("/usr/bin/python3", [
  `${SERVERS}echo_server.py`,
  "--tcp",
  "127.0.0.1:0",
  "--udp",
  "127.0.0.1:0",
], { ready: /^ready / });
const localEchoPort = Number(
  localEcho.output.find((line) => line.startsWith("ready "))!.split(" ")[1],
);
const remoteEcho = `${pod.echoTcp.hostname}:${pod.echoTcp.port}`;
row(
  "outgoing connect + 1-byte echo",
  await measure(async () => {
    const connected = await client.request({
      TcpOutgoing: { Connect: { remote_address: { Ip: remoteEcho } } },
    });
    const id = connected.TcpOutgoing.Connect.Ok.connection_id;
    await client.send({ TcpOutgoing: { Write: { connection_id: id, bytes: oneByte } } });
    await client.receive();
    await client.send({ TcpOutgoing: { Close: { connection_id: id } } });
  }),
  await measure(async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: localEchoPort });
    await conn.write(oneByte);
    await conn.read(oneByte);
    conn.close();
  }),
);

const localDns = await spawnUntilReady("/usr/bin/python3", [
  `${SERVERS}dns_server.py`,
  "--listen",
  "127.0.0.1:0",
  "--record",
  "bench.local.test=10.0.0.1",
], { ready: /^ready / });
const localDnsPort = Number(
  localDns.output.find((line) => line.startsWith("ready "))!.split(" ")[1],
);
row(
  "getaddrinfo (DNS server lookup)",
  await measure(() =>
    client.request({
      GetAddrInfoRequestV2: {
        node: pod.dnsName,
        service_port: 0,
        family: "Ipv4Only",
        socktype: "Stream",
        flags: 0,
        protocol: 0,
      },
    })
  ),
  await measure(() =>
    Deno.resolveDns("bench.local.test", "A", {
      nameServer: { ipAddr: "127.0.0.1", port: localDnsPort },
    })
  ),
);

localFile.close();
await localEcho.kill();
await localDns.kill();
await Deno.remove(localDir, { recursive: true });

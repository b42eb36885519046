/**
 * The agent's DNS and outgoing features against a real pod: names and servers that exist only
 * inside the pod's network namespace, with the agent started outside it and inside it.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { createPod, type Pod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient, OPEN_READ_ONLY } from "./harness/agent_client.ts";
import { rootTest } from "./harness/root_only.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

async function assertDns(client: AgentClient, pod: Pod): Promise<void> {
  const v2 = (node: string, family = "Ipv4Only") => ({
    GetAddrInfoRequestV2: {
      node,
      service_port: 0,
      family,
      socktype: "Stream",
      flags: 0,
      protocol: 0,
    },
  });
  deepEqual(await client.request(v2(pod.dnsName)), {
    GetAddrInfoResponse: { Ok: [{ name: pod.dnsName, ip: pod.podIp }] },
  });
  deepEqual(await client.request(v2("echo", "Both")), {
    GetAddrInfoResponse: { Ok: [{ name: pod.dnsName, ip: pod.podIp }] },
  });
  deepEqual(await client.request({ GetAddrInfoRequest: { node: pod.hostsName } }), {
    GetAddrInfoResponse: { Ok: [{ name: pod.hostsName, ip: pod.podIp }] },
  });
  deepEqual(await client.request({ ReverseDnsLookup: { ip_address: pod.podIp } }), {
    ReverseDnsLookup: { Ok: { hostname: { Ok: pod.hostname } } },
  });
  const missing = await client.request(v2(`nothing.${pod.domain}`));
  deepEqual(missing.GetAddrInfoResponse.Err.DnsLookup.kind, { NoRecordsFound: 3 });
}

async function assertTcpEcho(client: AgentClient, pod: Pod): Promise<void> {
  const remote = `${pod.echoTcp.hostname}:${pod.echoTcp.port}`;
  const connected = await client.request({
    TcpOutgoing: { Connect: { remote_address: { Ip: remote } } },
  });
  const { connection_id, remote_address, local_address } = connected.TcpOutgoing.Connect.Ok;
  deepEqual(remote_address, { Ip: remote });
  ok(local_address.Ip.startsWith(`${pod.podIp}:`), `local address ${local_address.Ip}`);
  await client.send({ TcpOutgoing: { Write: { connection_id, bytes: bytes("tcp hello") } } });
  const echoed = await client.receive();
  equal(echoed.TcpOutgoing.Read.Ok.connection_id, connection_id);
  equal(text(echoed.TcpOutgoing.Read.Ok.bytes), "tcp hello");
  await client.send({ TcpOutgoing: { Write: { connection_id, bytes: new Uint8Array(0) } } });
  const eof = await client.receive();
  equal(eof.TcpOutgoing.Read.Ok.bytes.length, 0);
  deepEqual(await client.receive(), { TcpOutgoing: { Close: connection_id } });
}

async function assertUnixEcho(client: AgentClient, pod: Pod): Promise<void> {
  const remote = { Unix: { Pathname: pod.echoUnixPath } };
  const connected = await client.request({ TcpOutgoing: { Connect: { remote_address: remote } } });
  const { connection_id, remote_address } = connected.TcpOutgoing.Connect.Ok;
  deepEqual(remote_address, remote);
  await client.send({ TcpOutgoing: { Write: { connection_id, bytes: bytes("unix hello") } } });
  const echoed = await client.receive();
  equal(text(echoed.TcpOutgoing.Read.Ok.bytes), "unix hello");
  await client.send({ TcpOutgoing: { Close: { connection_id } } });
  const abstract = await client.request({
    TcpOutgoing: { Connect: { remote_address: { Unix: { Abstract: bytes("x") } } } },
  });
  equal(abstract.TcpOutgoing.Connect.Err.RemoteIO.raw_os_error, 97);
}

async function assertUdpEcho(client: AgentClient, pod: Pod): Promise<void> {
  const uid = crypto.randomUUID();
  const remote = `${pod.echoUdp.hostname}:${pod.echoUdp.port}`;
  const connected = await client.request({
    UdpOutgoing: { ConnectV2: { uid, remote_address: { Ip: remote } } },
  });
  equal(connected.UdpOutgoing.ConnectV2.uid, uid);
  const { connection_id } = connected.UdpOutgoing.ConnectV2.connect.Ok;
  await client.send({ UdpOutgoing: { Write: { connection_id, bytes: bytes("udp hello") } } });
  const echoed = await client.receive();
  equal(text(echoed.UdpOutgoing.Read.Ok.bytes), "udp hello");
  await client.send({ UdpOutgoing: { Close: { connection_id } } });
}

/** Negotiates, then checks DNS, TCP, UDP and unix-stream reach only-inside services. */
async function assertPodNetwork(client: AgentClient, pod: Pod): Promise<void> {
  await client.negotiate();
  await assertDns(client, pod);
  await assertTcpEcho(client, pod);
  await assertUdpEcho(client, pod);
  await assertUnixEcho(client, pod);
}

rootTest(
  "agent started outside the pod resolves inside-only names and reaches inside-only servers",
  async () => {
    await using pod = await createPod();
    await rejects(Deno.connect(pod.echoTcp), /refused/i, "the echo server must be inside-only");
    await using agent = await startAgent(pod, { where: "host" });
    await using client = await AgentClient.connect(agent.address);
    await assertPodNetwork(client, pod);
    const refused = await client.request({
      TcpOutgoing: { Connect: { remote_address: { Ip: `${pod.podIp}:1` } } },
    });
    equal(refused.TcpOutgoing.Connect.Err.RemoteIO.kind, "ConnectionRefused");
  },
);

rootTest(
  "agent started inside the pod's network namespace serves the same DNS and sockets",
  async () => {
    await using pod = await createPod();
    await using agent = await startAgent(pod, { where: "pod" });
    ok(agent.output.some((line) => line.includes("already-inside its network namespace")));
    equal(agent.address.hostname, pod.podIp);
    await using client = await AgentClient.connect(agent.address);
    await assertPodNetwork(client, pod);
  },
);

rootTest(
  "ephemeral agent in the pod's network and PID namespaces serves PID 1's env, files and network",
  async () => {
    await using pod = await createPod({
      pidNamespace: true,
      env: { EPHEMERAL_TARGET: "yes" },
      files: { "eph.txt": "ephemeral" },
    });
    await using agent = await startAgent(pod, { where: "ephemeral" });
    ok(agent.output.some((line) => line.includes("process 1 (ephemeral): already-inside")));
    await using client = await AgentClient.connect(agent.address);
    await client.negotiate();
    const env = await client.request({
      GetEnvVarsRequest: { env_vars_filter: [], env_vars_select: ["EPHEMERAL_*"] },
    });
    deepEqual(env, { GetEnvVarsResponse: { Ok: { EPHEMERAL_TARGET: "yes" } } });
    const opened = await client.request({
      FileRequest: {
        Open: {
          path: "/srv/eph.txt",
          open_options: OPEN_READ_ONLY,
        },
      },
    });
    const read = await client.request({
      FileRequest: { Read: { remote_fd: opened.File.Open.Ok.fd, buffer_size: 64n } },
    });
    equal(text(read.File.Read.Ok.bytes), "ephemeral");
    await assertDns(client, pod);
    await assertTcpEcho(client, pod);
  },
);

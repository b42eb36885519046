/**
 * Load figures of the agent's incoming traffic (issue 6 §6), printed, never asserted:
 *
 * 1. HTTP throughput and p50/p99 latency with wrk: the pod's server answering directly, through
 *    the agent with an unfiltered steal answered by an in-process client (what an intproxy does),
 *    and through the agent passing unmatched requests on (filtered steal that matches nothing);
 * 2. 1000 concurrent raw TCP connections stolen and echoed by the client, 64 KiB each way,
 *    compared by SHA-256: lost or corrupted connections;
 * 3. mirror at 2000 new connections (one HTTP request each) per second for 10 s: requests the
 *    pod answered vs copies the mirroring client received;
 * 4. the agent's peak RSS (VmHWM) over all of it.
 *
 * Run as root: `deno run -A tests/bench/incoming_load.ts` (needs wrk, node, iptables).
 *
 * @module
 */
import { createPod, forkedChild, type Pod } from "../integration/harness/pod.ts";
import { startAgent } from "../integration/harness/agent.ts";
import { AgentClient } from "../integration/harness/agent_client.ts";
import { IncomingClient } from "../integration/harness/incoming_client.ts";
import { echoOne, wrk, type WrkFigures } from "./incoming_probes.ts";

const SERVER = new URL("../integration/harness/servers/pod_http_server.mjs", import.meta.url)
  .pathname;

async function client(address: { hostname: string; port: number }): Promise<IncomingClient> {
  const agentClient = await AgentClient.connect(address);
  await agentClient.negotiate();
  return new IncomingClient(agentClient);
}

async function oneRequest(pod: Pod, port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: pod.podIp, port });
    await conn.write(
      new TextEncoder().encode(`GET /m HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    conn.close();
    return text.startsWith("HTTP/1.1 200") && text.endsWith("pod GET /m ");
  } catch {
    return false;
  }
}

async function rssKib(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

async function main(): Promise<void> {
  await using pod = await createPod();
  await pod.spawn("/usr/bin/node", [SERVER, "--http", "8080"], "ready");
  await using agent = await startAgent(pod, {
    env: { RUST_LOG: "warn", MIRRORD_AGENT_IDLE_TTL: "120" },
  });
  const agentPid = await forkedChild(agent.process.pid);
  const url = `http://${pod.podIp}:8080/`;
  const line = (name: string, f: WrkFigures) =>
    console.log(
      `${name.padEnd(34)} ${f.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${
        f.p50.padStart(8)
      }  p99 ${f.p99.padStart(8)}  errors: ${f.errors}`,
    );

  console.log("== HTTP/1.1 keep-alive, wrk -t2 -c50 -d5s");
  line("pod answering directly", await wrk(url));

  const stealer = await client(agent.address);
  await stealer.subscribeSteal({ All: 8080 });
  stealer.answer(() => ({ status: 200, body: "stolen" }));
  line("stolen, answered by the client", await wrk(url));
  stealer.client.close();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const filtered = await client(agent.address);
  await filtered.subscribeSteal({ FilteredHttpEx: [8080, { Header: "^x-never: " }] });
  filtered.record();
  line("through the agent (passthrough)", await wrk(url));
  filtered.client.close();
  await new Promise((resolve) => setTimeout(resolve, 500));

  console.log("== 1000 concurrent raw TCP connections stolen, 64 KiB echoed each");
  const echo = await client(agent.address);
  await echo.subscribeSteal({ All: 9000 });
  echo.relay((_, data) => data);
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: 1000 }, () => echoOne(pod.podIp, 9000, 64 * 1024)),
  );
  const seconds = (performance.now() - started) / 1000;
  const count = (what: string) => outcomes.filter((o) => o === what).length;
  console.log(
    `ok ${count("ok")}, lost ${count("lost")}, corrupted ${count("corrupt")} ` +
      `in ${seconds.toFixed(1)} s (${(1000 * 128 / 1024 / seconds).toFixed(1)} MiB/s both ways)`,
  );
  const afterEcho = await rssKib(agentPid);
  console.log(`agent RSS ${afterEcho.rss} KiB`);
  echo.client.close();
  await new Promise((resolve) => setTimeout(resolve, 500));

  console.log("== mirror at 2000 new connections/s for 10 s (one request each)");
  const mirror = await client(agent.address);
  await mirror.subscribeMirror({ PortSubscribe: 8080 });
  mirror.record();
  const rate = 2000;
  const total = rate * 10;
  const results: Promise<boolean>[] = [];
  const begin = performance.now();
  while (results.length < total) {
    const due = Math.floor((performance.now() - begin) / 1000 * rate);
    while (results.length < Math.min(due, total)) results.push(oneRequest(pod, 8080));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const sentIn = (performance.now() - begin) / 1000;
  const answered = (await Promise.all(results)).filter(Boolean).length;
  await mirror.until(() => mirror.requests.length >= answered, 30000).catch(() => {});
  console.log(
    `offered ${total} in ${sentIn.toFixed(1)} s (${(total / sentIn).toFixed(0)}/s); ` +
      `answered by the pod ${answered}; mirrored ${mirror.requests.length}; ` +
      `flows lost ${answered - Math.min(answered, mirror.requests.length)} ` +
      `(dropped for a slow client: ${mirror.logs.filter((l) => /too slowly/.test(l)).length})`,
  );
  const end = await rssKib(agentPid);
  console.log(`agent RSS now ${end.rss} KiB, peak ${end.peak} KiB (goal ≤ 102400 KiB)`);
  mirror.client.close();
}

if (import.meta.main) await main();

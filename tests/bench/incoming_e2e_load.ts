/**
 * End-to-end load figures of incoming steal with the local app answering (issue 6 §6), printed,
 * never asserted. The whole chain: wrk → pod IP → agent (iptables redirect) → intproxy → node
 * HTTP server under the layer (`mirrord exec`). Compared with the pod's own server answering and
 * with the local app answering wrk directly:
 *
 * 1. HTTP/1 keep-alive throughput and p50/p99 latency (wrk, 50 connections, 5 s each);
 * 2. 1000 concurrent raw TCP connections stolen to a local echo server, 64 KiB each way,
 *    compared by SHA-256: lost or corrupted connections.
 *
 * Run as root: `deno run -A tests/bench/incoming_e2e_load.ts` (needs wrk, node, iptables and the
 * built layer).
 *
 * @module
 */
import { createPod } from "../integration/harness/pod.ts";
import { startAgent } from "../integration/harness/agent.ts";
import { appCommand, incoming, podServer, startApp } from "../integration/incoming/local_apps.ts";
import { echoOne, readRss, wrk, type WrkFigures } from "./incoming_probes.ts";

function row(name: string, f: WrkFigures): string {
  return `${name.padEnd(44)} ${f.requestsPerSec.toFixed(0).padStart(8)} req/s  p50 ${
    f.p50.padStart(8)
  }  p99 ${f.p99.padStart(8)}  errors: ${f.errors}`;
}

function memory(pid: number): string {
  const { rss, anon, peak } = readRss(pid);
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  return `RSS ${mib(rss)} MiB (anonymous ${mib(anon)} MiB), peak ${mib(peak)} MiB`;
}

await using pod = await createPod();
await podServer(pod, 8080);
console.log("incoming steal end to end (wrk -t2 -c50 -d5s, keep-alive, GET /):");
console.log(row("pod's own server, directly", await wrk(`http://${pod.podIp}:8080/`)));

await using agent = await startAgent(pod);
const command = [...appCommand("node", 8080), "--quiet", "--echo", "9000"];
const config = { ...incoming({ mode: "steal" }), internal_proxy: { log_level: "warn" } };
await using app = await startApp(pod, command, { config, agent }, 2);
const pgrep = new Deno.Command("pgrep", {
  args: ["-f", `intproxy --log-destination ${app.logPath}`],
  stdout: "piped",
}).outputSync();
const intproxyPid = Number(new TextDecoder().decode(pgrep.stdout).trim().split("\n")[0]);
console.log(`intproxy before the load: ${memory(intproxyPid)}`);
console.log(
  row("pod IP -> agent -> intproxy -> local app", await wrk(`http://${pod.podIp}:8080/`)),
);
console.log(`intproxy after wrk: ${memory(intproxyPid)}`);
console.log(row("local app answering wrk directly", await wrk("http://127.0.0.1:8080/")));

const connections = 1000;
const started = performance.now();
const results = await Promise.all(
  Array.from({ length: connections }, () => echoOne(pod.podIp, 9000, 64 * 1024)),
);
const count = (r: string) => results.filter((x) => x === r).length;
console.log(
  `${connections} concurrent raw connections stolen to a local echo server (64 KiB each way): ` +
    `${count("ok")} ok, ${count("lost")} lost, ${count("corrupt")} corrupt, ${
      count("timeout")
    } timed out, ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`intproxy after the raw connections: ${memory(intproxyPid)}`);

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
import { createPod, type Pod } from "../integration/harness/pod.ts";
import { startAgent } from "../integration/harness/agent.ts";
import { appCommand, incoming, podServer, startApp } from "../integration/incoming/local_apps.ts";

interface WrkFigures {
  requestsPerSec: number;
  p50: string;
  p99: string;
  errors: string;
}

async function wrk(url: string, seconds = 5, connections = 50): Promise<WrkFigures> {
  const out = await new Deno.Command("/usr/bin/wrk", {
    args: ["-t2", `-c${connections}`, `-d${seconds}s`, "--latency", url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const grab = (re: RegExp) => re.exec(text)?.[1] ?? "?";
  const errors = [/(Socket errors:.*)/, /(Non-2xx or 3xx responses:.*)/]
    .map((re) => re.exec(text)?.[1]).filter(Boolean).join("; ");
  return {
    requestsPerSec: Number(grab(/Requests\/sec:\s+([\d.]+)/)),
    p50: grab(/\s50%\s+(\S+)/),
    p99: grab(/\s99%\s+(\S+)/),
    errors: errors || "none",
  };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function echoOne(pod: Pod, port: number, size: number): Promise<"ok" | "lost" | "corrupt"> {
  const payload = crypto.getRandomValues(new Uint8Array(size));
  payload[0] = 0; // not an HTTP request line: the agent classifies it as raw at once
  try {
    const conn = await Deno.connect({ hostname: pod.podIp, port });
    const writing = (async () => {
      let at = 0;
      while (at < payload.length) at += await conn.write(payload.subarray(at));
      await conn.closeWrite();
    })();
    const received = new Uint8Array(size + 1);
    let got = 0;
    const buffer = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      if (got + n > received.length) return "corrupt";
      received.set(buffer.subarray(0, n), got);
      got += n;
    }
    await writing;
    conn.close();
    if (got === 0) return "lost";
    return await sha256(received.subarray(0, got)) === await sha256(payload) ? "ok" : "corrupt";
  } catch {
    return "lost";
  }
}

function row(name: string, f: WrkFigures): string {
  return `${name.padEnd(44)} ${f.requestsPerSec.toFixed(0).padStart(8)} req/s  p50 ${
    f.p50.padStart(8)
  }  p99 ${f.p99.padStart(8)}  errors: ${f.errors}`;
}

function peakRss(pid: number): string {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return /VmHWM:\s+(\d+ kB)/.exec(status)?.[1] ?? "?";
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
console.log(
  row("pod IP -> agent -> intproxy -> local app", await wrk(`http://${pod.podIp}:8080/`)),
);
console.log(row("local app answering wrk directly", await wrk("http://127.0.0.1:8080/")));

const connections = 1000;
const started = performance.now();
const results = await Promise.all(
  Array.from({ length: connections }, () => echoOne(pod, 9000, 64 * 1024)),
);
const count = (r: string) => results.filter((x) => x === r).length;
console.log(
  `${connections} concurrent raw connections stolen to a local echo server (64 KiB each way): ` +
    `${count("ok")} ok, ${count("lost")} lost, ${count("corrupt")} corrupt, ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`intproxy peak RSS: ${peakRss(intproxyPid)}`);

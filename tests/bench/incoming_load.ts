/**
 * Load figures of the agent's incoming traffic (issue 6 §6), printed, never asserted:
 *
 * 1. HTTP throughput and p50/p99 latency with wrk: the pod's server answering directly, through
 *    the agent with an unfiltered steal answered by a client in its own process (what an intproxy
 *    does; `steal-in-process`: the harness' test client in the bench's process instead), and
 *    through the agent passing unmatched requests on (filtered steal that matches nothing);
 * 2. 1000 concurrent raw TCP connections stolen and echoed by the client, 64 KiB each way,
 *    compared by SHA-256: lost or corrupted connections;
 * 3. the agent's memory per open connection (2000 idle connections to a mirrored port);
 * 4. mirror at 2000 new connections (one HTTP request each) per second for 10 s: connections the
 *    agent redirected vs complete copies a mirroring client in its own process received (HTTP
 *    requests, or raw TCP for a peer silent past the detection timeout), with the agent's own
 *    counts from its `--metrics` endpoint (copies started, dropped for a slow client);
 * 5. the agent's memory per section: RSS sampled every 50 ms, JS heap and buffers every 200 ms,
 *    peak RSS (VmHWM), and its iptables guard's own memory.
 *
 * Run as root: `deno run -A tests/bench/incoming_load.ts [options]` (needs wrk, node, iptables).
 * The machine's other load shows in every figure: compare runs made back to back.
 *
 * Options: `--only direct,steal,steal-in-process,passthrough,echo,connections,mirror` (default:
 * all but steal-in-process), `--seconds N` (wrk duration, default 5), `--rate N` (mirror
 * connections/s, default 2000), `--agent-flags "…"` (deno flags for the agent, e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`), `--agent-env K=V,…` (extra agent environment, e.g.
 * `DENO_V8_FLAGS=--trace-gc`), `--agent-output <file>` (the agent's output lines), `--hold N`
 * (keep the agent running N s at the end, e.g. to read its /proc/PID/smaps), `--memory-limit MiB`
 * (run agent and guard in a memory cgroup with that limit, as mirrord's pod limit, and report
 * the kernel's peak charge, limit hits and OOM kills).
 *
 * @module
 */
import { createPod, forkedChild, type Pod } from "../integration/harness/pod.ts";
import { startAgent } from "../integration/harness/agent.ts";
import { AgentClient } from "../integration/harness/agent_client.ts";
import { IncomingClient } from "../integration/harness/incoming_client.ts";
import type { MirrorCounts } from "./apps/mirror_client.ts";
import { MemoryCgroup } from "./memory_cgroup.ts";
import {
  bounded,
  echoOne,
  type EchoOutcome,
  readRss,
  wrk,
  type WrkFigures,
} from "./incoming_probes.ts";

const SERVER = new URL("../integration/harness/servers/pod_http_server.mjs", import.meta.url)
  .pathname;
const MIRROR_CLIENT = new URL("./apps/mirror_client.ts", import.meta.url).pathname;
const STEAL_CLIENT = new URL("./apps/steal_client.ts", import.meta.url).pathname;
const SECTIONS = [
  "direct",
  "steal",
  "steal-in-process",
  "passthrough",
  "echo",
  "connections",
  "mirror",
] as const;
/** Sections run when `--only` is not given. */
const DEFAULT_SECTIONS: Section[] = [
  "direct",
  "steal",
  "passthrough",
  "echo",
  "connections",
  "mirror",
];
type Section = typeof SECTIONS[number];

interface Options {
  only: Set<Section>;
  seconds: number;
  rate: number;
  agentFlags: string[];
  agentOutput: string | null;
  agentEnv: Record<string, string>;
  hold: number;
  memoryLimitMib: number | null;
}

function parseOptions(args: string[]): Options {
  const value = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const only = value("--only")?.split(",") ?? DEFAULT_SECTIONS;
  for (const section of only) {
    if (!(SECTIONS as readonly string[]).includes(section)) {
      throw new Error(`Cannot run section "${section}": known sections are ${SECTIONS.join(", ")}`);
    }
  }
  return {
    only: new Set(only as Section[]),
    seconds: Number(value("--seconds") ?? 5),
    rate: Number(value("--rate") ?? 2000),
    agentFlags: value("--agent-flags")?.split(" ").filter((f) => f !== "") ?? [],
    agentOutput: value("--agent-output") ?? null,
    hold: Number(value("--hold") ?? 0),
    memoryLimitMib: value("--memory-limit") ? Number(value("--memory-limit")) : null,
    agentEnv: Object.fromEntries(
      (value("--agent-env")?.split(",") ?? []).map((
        kv,
      ) => [kv.split("=")[0], kv.slice(kv.indexOf("=") + 1)]),
    ),
  };
}

async function client(address: { hostname: string; port: number }): Promise<IncomingClient> {
  const agentClient = await AgentClient.connect(address);
  await agentClient.negotiate();
  return new IncomingClient(agentClient);
}

const REQUEST = new TextEncoder().encode(
  `GET /m HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n`,
);

async function oneRequest(pod: Pod, port: number): Promise<boolean> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: pod.podIp, port });
  } catch {
    return false;
  }
  const exchange = async () => {
    await conn.write(REQUEST);
    let text = "";
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return text.startsWith("HTTP/1.1 200") && text.endsWith("pod GET /m ");
  };
  const close = () => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  try {
    return await bounded(exchange().catch(() => false), close, false);
  } finally {
    close();
  }
}

/** Samples the agent's memory while a section runs: RSS every 50 ms, JS memory every 200 ms. */
class MemorySampler {
  private readonly timers: ReturnType<typeof setInterval>[];
  private max = { rss: 0, anon: 0, heap: 0, buffers: 0 };
  private overallAnon = 0;

  constructor(private readonly pid: number, private readonly metricsPort: number) {
    this.timers = [
      setInterval(() => this.sampleRss(), 50),
      setInterval(() => this.sampleJs(), 200),
    ];
  }

  private sampleRss(): void {
    const now = readRss(this.pid);
    this.max.rss = Math.max(this.max.rss, now.rss * 1024);
    this.max.anon = Math.max(this.max.anon, now.anon * 1024);
  }

  private async sampleJs(): Promise<void> {
    const m = await scrapeMetrics(this.metricsPort);
    this.max.heap = Math.max(this.max.heap, m.get("mirrord_agent_js_heap_total_bytes") ?? 0);
    this.max.buffers = Math.max(this.max.buffers, m.get("mirrord_agent_js_external_bytes") ?? 0);
  }

  /** @returns the highest figures seen since the last call, in bytes */
  takeMax(): { rss: number; anon: number; heap: number; buffers: number } {
    this.sampleRss();
    const max = this.max;
    this.overallAnon = Math.max(this.overallAnon, max.anon);
    this.max = { rss: 0, anon: 0, heap: 0, buffers: 0 };
    return max;
  }

  /** Highest anonymous (non file-backed) RSS seen since the start, in bytes. */
  get peakAnon(): number {
    return Math.max(this.overallAnon, this.max.anon);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
  }
}

async function scrapeMetrics(port: number): Promise<Map<string, number>> {
  const metrics = new Map<string, number>();
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const line of text.split("\n")) {
      const match = /^(\w+) (\S+)$/.exec(line);
      if (match) metrics.set(match[1], Number(match[2]));
    }
  } catch {
    // An agent without metrics: the figures say "?".
  }
  return metrics;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** An agent client in its own process (apps/), driven through its stdin and stdout. */
class ClientProcess {
  private readonly child: Deno.ChildProcess;
  private readonly lines: ReadableStreamDefaultReader<string>;
  private readonly stdin: WritableStreamDefaultWriter<Uint8Array>;
  private pending = "";

  constructor(app: string, args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", app, ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.lines = this.child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    this.stdin = this.child.stdin.getWriter();
  }

  static async subscribed(app: string, args: string[]): Promise<ClientProcess> {
    const client = new ClientProcess(app, args);
    const line = await client.nextLine();
    if (line !== "subscribed") throw new Error(`${app} did not subscribe: ${line}`);
    return client;
  }

  async nextLine(): Promise<string> {
    while (!this.pending.includes("\n")) {
      const { value, done } = await this.lines.read();
      if (done) throw new Error("the client process exited");
      this.pending += value;
    }
    const at = this.pending.indexOf("\n");
    const line = this.pending.slice(0, at);
    this.pending = this.pending.slice(at + 1);
    return line;
  }

  async counts(): Promise<MirrorCounts> {
    await this.stdin.write(new TextEncoder().encode("count\n"));
    return JSON.parse(await this.nextLine());
  }

  async stop(): Promise<void> {
    await this.stdin.close().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.child.status,
      new Promise((resolve) => timer = setTimeout(resolve, 2000)),
    ]);
    clearTimeout(timer);
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await this.child.status;
  }
}

async function main(): Promise<void> {
  const options = parseOptions(Deno.args);
  const metricsPort = freePort();
  await using pod = await createPod();
  await pod.spawn("/usr/bin/node", [SERVER, "--http", "8080"], "ready");
  // Declared before the agent: disposed after it, when its processes are gone.
  using cgroup = options.memoryLimitMib === null
    ? null
    : MemoryCgroup.create(`mirrord-bench-agent-${Deno.pid}`, options.memoryLimitMib * 1048576);
  await using agent = await startAgent(pod, {
    cgroup: cgroup?.path,
    env: {
      RUST_LOG: "warn",
      MIRRORD_AGENT_IDLE_TTL: "120",
      MIRRORD_AGENT_METRICS: `127.0.0.1:${metricsPort}`,
      ...options.agentEnv,
    },
    denoFlags: options.agentFlags,
  });
  // The guard's child is the agent (an agent started as the child itself has none).
  const agentPid = await forkedChild(agent.process.pid).catch(() => agent.process.pid);
  const rss = new MemorySampler(agentPid, metricsPort);
  const url = `http://${pod.podIp}:8080/`;
  // deno-lint-ignore require-await
  const memory = async () => {
    const max = rss.takeMax();
    const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
    return `agent max: RSS ${mib(max.rss)} MiB (anonymous ${mib(max.anon)} MiB), JS heap ${
      mib(max.heap)
    } MiB, buffers ` +
      `${mib(max.buffers)} MiB`;
  };
  const line = async (name: string, f: WrkFigures) =>
    console.log(
      `${name.padEnd(34)} ${f.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${
        f.p50.padStart(8)
      }  p99 ${f.p99.padStart(8)}  errors: ${f.errors}\n    (${await memory()})`,
    );
  const run = (section: Section) => options.only.has(section);

  console.log(`== HTTP/1.1 keep-alive, wrk -t2 -c50 -d${options.seconds}s`);
  if (run("direct")) {
    rss.takeMax();
    await line("pod answering directly", await wrk(url, options.seconds));
  }

  const stealClient = (subscription: unknown) =>
    ClientProcess.subscribed(STEAL_CLIENT, [
      agent.address.hostname,
      String(agent.address.port),
      JSON.stringify(subscription),
    ]);

  if (run("steal")) {
    const stealer = await stealClient({ All: 8080 });
    rss.takeMax();
    await line("stolen, answered by the client", await wrk(url, options.seconds));
    await stealer.stop();
    await settle();
  }

  if (run("steal-in-process")) {
    const stealer = await client(agent.address);
    await stealer.subscribeSteal({ All: 8080 });
    stealer.answer(() => ({ status: 200, body: "stolen" }));
    rss.takeMax();
    await line("stolen, in-process test client", await wrk(url, options.seconds));
    stealer.client.close();
    await settle();
  }

  if (run("passthrough")) {
    const filtered = await stealClient({ FilteredHttpEx: [8080, { Header: "^x-never: " }] });
    rss.takeMax();
    await line("through the agent (passthrough)", await wrk(url, options.seconds));
    await filtered.stop();
    await settle();
  }

  if (run("echo")) {
    console.log("== 1000 concurrent raw TCP connections stolen, 64 KiB echoed each");
    const echo = await stealClient({ All: 9000 });
    rss.takeMax();
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, () => echoOne(pod.podIp, 9000, 64 * 1024)),
    );
    const seconds = (performance.now() - started) / 1000;
    const count = (what: EchoOutcome) => outcomes.filter((o) => o === what).length;
    console.log(
      `ok ${count("ok")}, lost ${count("lost")}, corrupted ${count("corrupt")}, timed out ` +
        `${count("timeout")} in ${seconds.toFixed(1)} s ` +
        `(${(1000 * 128 / 1024 / seconds).toFixed(1)} MiB/s both ways)\n    (${await memory()})`,
    );
    await echo.stop();
    await settle();
  }

  if (run("connections")) {
    const count = 2000;
    console.log(`== ${count} idle connections to a mirrored port (agent memory per connection)`);
    const mirror = await ClientProcess.subscribed(MIRROR_CLIENT, [
      agent.address.hostname,
      String(agent.address.port),
      "8080",
    ]);
    const base = await scrapeMetrics(metricsPort);
    const baseRss = readRss(agentPid).rss * 1024;
    const conns: Deno.TcpConn[] = [];
    const partial = new TextEncoder().encode("GET /idle"); // no line end: detection keeps waiting
    for (let i = 0; i < count; i++) {
      const conn = await Deno.connect({ hostname: pod.podIp, port: 8080 });
      await conn.write(partial);
      conns.push(conn);
    }
    const figures = async (state: string) => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      (globalThis as { gc?: () => void }).gc?.();
      const m = await scrapeMetrics(metricsPort);
      const per = (name: string) =>
        (((m.get(name) ?? 0) - (base.get(name) ?? 0)) / count / 1024).toFixed(1);
      const rssPer = ((readRss(agentPid).rss * 1024 - baseRss) / count / 1024).toFixed(1);
      console.log(
        `${state}: ${m.get("mirrord_agent_redirected_connections_count")} open; per connection ` +
          `RSS ${rssPer} KiB, JS heap ${per("mirrord_agent_js_heap_used_bytes")} KiB, buffers ` +
          `${per("mirrord_agent_js_external_bytes")} KiB`,
      );
    };
    await figures("waiting for the request line");
    await new Promise((resolve) => setTimeout(resolve, 2000)); // past the detection timeout
    await figures("raw, spliced to the pod's server");
    console.log(`    (${await memory()})`);
    for (const conn of conns) conn.close();
    await mirror.stop();
    await settle();
  }

  if (run("mirror")) {
    const rate = options.rate;
    console.log(`== mirror at ${rate} new connections/s for 10 s (one request each)`);
    const mirror = await ClientProcess.subscribed(MIRROR_CLIENT, [
      agent.address.hostname,
      String(agent.address.port),
      "8080",
    ]);
    try {
      const before = await scrapeMetrics(metricsPort);
      rss.takeMax();
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
      const answeredIn = (performance.now() - begin) / 1000;
      // Wait until the client has a copy of every redirected connection, or stops progressing.
      const redirected = async () =>
        ((await scrapeMetrics(metricsPort)).get("mirrord_agent_redirected_connections_total") ??
          0) -
        (before.get("mirrord_agent_redirected_connections_total") ?? 0);
      const mirrored = (c: MirrorCounts) => c.completed + c.rawClosed;
      let counts = await mirror.counts();
      let idleSince = Date.now();
      while (mirrored(counts) < await redirected() && Date.now() - idleSince < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const next = await mirror.counts();
        if (next.messages !== counts.messages) idleSince = Date.now();
        counts = next;
      }
      const caughtUpIn = (performance.now() - begin) / 1000;
      const after = await scrapeMetrics(metricsPort);
      const delta = (name: string) => (after.get(name) ?? NaN) - (before.get(name) ?? 0);
      const flows = delta("mirrord_agent_redirected_connections_total");
      console.log(
        `offered ${total} in ${sentIn.toFixed(1)} s (${(total / sentIn).toFixed(0)}/s); ` +
          `answered by the pod ${answered} (all answers in ${answeredIn.toFixed(1)} s)`,
      );
      console.log(
        `agent: ${flows} redirected connections (HTTP ` +
          `${delta("mirrord_agent_redirected_http1_connections_total")}, raw ` +
          `${delta("mirrord_agent_redirected_raw_connections_total")}, of which ` +
          `${delta("mirrord_agent_detection_timeouts_total")} silent past the detection ` +
          `timeout); copies started ${delta("mirrord_agent_mirror_flows_total")}, dropped for a ` +
          `slow client ${delta("mirrord_agent_mirror_flows_dropped_total")}`,
      );
      console.log(
        `client: HTTP copies started ${counts.started}, complete ${counts.completed}, aborted ` +
          `${counts.aborted}; raw copies ${counts.rawConnections}, closed ${counts.rawClosed}; ` +
          `drop warnings ${counts.dropWarnings} (caught up after ${caughtUpIn.toFixed(1)} s)`,
      );
      console.log(
        `flows lost ${Math.max(0, flows - mirrored(counts))} of ${flows}\n    (${await memory()})`,
      );
    } finally {
      await mirror.stop();
    }
  }
  const overall = rss.peakAnon;
  rss.stop();
  const end = readRss(agentPid);
  const guard = readRss(agent.process.pid);
  console.log(
    `agent RSS now ${(end.rss / 1024).toFixed(1)} MiB, peak ${(end.peak / 1024).toFixed(1)} MiB ` +
      `(goal ≤ 100 MiB), peak anonymous ${(overall / 1048576).toFixed(1)} MiB (the rest is the ` +
      `deno binary's pages, shared and reclaimable); its iptables guard: RSS ${
        (guard.rss / 1024).toFixed(1)
      } MiB, ` +
      `${(guard.anon / 1024).toFixed(1)} MiB of it its own (not shared with the agent)`,
  );
  if (cgroup) {
    const f = cgroup.figures();
    const alive = readRss(agentPid).rss > 0;
    console.log(
      `memory cgroup of agent and guard, limit ${options.memoryLimitMib} MiB: peak charge ` +
        `${(f.peak / 1048576).toFixed(1)} MiB (anonymous memory and page cache), limit reached ` +
        `${f.limitHits} times, OOM kills ${f.oomKills}; agent ${alive ? "alive" : "GONE"}`,
    );
  }
  if (options.hold > 0) {
    console.log(`agent pid ${agentPid}: holding it for ${options.hold} s`);
    await new Promise((resolve) => setTimeout(resolve, options.hold * 1000));
  }
  await agent.stop();
  if (options.agentOutput) await Deno.writeTextFile(options.agentOutput, agent.output.join("\n"));
}

if (import.meta.main) await main();

/**
 * End-to-end operation latency of a real program under `mirrord exec` (layer → intproxy → agent →
 * the test pod), beside the same operation done locally by the same program without mirrord, so
 * the overhead is a ratio: a 1-byte remote read (pread: one round trip each; read: served by the
 * intproxy's read-ahead), 4 KiB open+read+close, outgoing connect + 1-byte echo, getaddrinfo.
 * The agent-only figures are in agent_ops.ts; the layer-only ones in layer_ops.ts.
 *
 * Run as root: `deno run -A tests/bench/exec_ops.ts [iterations = 2000]` (set MIRRORD_LAYER_FILE
 * to use another layer build). Prints median and p99 in microseconds. Figures, not assertions.
 *
 * @module
 */
import { createPod } from "../integration/harness/pod.ts";
import { startAgent } from "../integration/harness/agent.ts";
import { spawnUntilReady } from "../integration/harness/process.ts";
import { spawnExec } from "../integration/exec/run_exec.ts";

const ITERATIONS = String(Number(Deno.args[0] ?? 2000));
const SOURCE = new URL("./apps/remote_ops.c", import.meta.url).pathname;
const SERVERS = new URL("../integration/harness/servers/", import.meta.url).pathname;

interface Figure {
  median: number;
  p99: number;
}

function parse(output: string, what: string): Figure {
  const m = output.match(/^([\d.]+) ([\d.]+)$/m);
  if (!m) throw new Error(`Cannot measure ${what}: ${output}`);
  return { median: Number(m[1]), p99: Number(m[2]) };
}

async function local(binary: string, args: string[]): Promise<Figure> {
  const out = await new Deno.Command(binary, { args: [args[0], ITERATIONS, ...args.slice(1)] })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return parse(text, `locally ${args.join(" ")}`);
}

function row(name: string, remote: Figure, here: Figure): void {
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(
    `${name.padEnd(40)} mirrord median ${f(remote.median)} µs p99 ${f(remote.p99)} µs | ` +
      `local median ${f(here.median)} µs p99 ${f(here.p99)} µs | ratio ${
        (remote.median / here.median).toFixed(1)
      }x`,
  );
}

if (Deno.uid() !== 0) {
  console.error("Cannot run the exec benchmark: it needs root (network namespaces)");
  Deno.exit(1);
}

const work = await Deno.makeTempDir({ prefix: "exec_bench_" });
const binary = `${work}/remote_ops`;
const cc = await new Deno.Command("cc", { args: ["-O2", "-o", binary, SOURCE] }).output();
if (!cc.success) throw new Error(new TextDecoder().decode(cc.stderr));

const payload = crypto.getRandomValues(new Uint8Array(4096));
const big = new Uint8Array(1024 * 1024).fill(97);
await Deno.writeFile(`${work}/4k.bin`, payload);
await Deno.writeFile(`${work}/1m.bin`, big);
await using pod = await createPod({ files: { "bench/4k.bin": payload, "bench/1m.bin": big } });

async function remote(args: string[]): Promise<Figure> {
  const agent = await startAgent(pod, { env: { RUST_LOG: "warn" } });
  try {
    await using session = await spawnExec(pod, [binary, args[0], ITERATIONS, ...args.slice(1)], {
      agent,
      config: { internal_proxy: { log_level: "warn" } },
    });
    const result = await session.finish();
    return parse(result.stdout + result.stderr, `through mirrord ${args.join(" ")}`);
  } finally {
    await agent.stop();
  }
}

const localEcho = await spawnUntilReady("/usr/bin/python3", [
  `${SERVERS}echo_server.py`,
  "--tcp",
  "127.0.0.1:0",
], { ready: /^ready / });
const localEchoPort = localEcho.output.find((l) => l.startsWith("ready "))!.split(" ")[1];

console.log(`mirrord exec end to end, ${ITERATIONS} iterations each (layer → intproxy → agent)`);
row(
  "1-byte pread (agent round trip)",
  await remote(["pread1", "/srv/bench/4k.bin"]),
  await local(binary, ["pread1", `${work}/4k.bin`]),
);
row(
  "1-byte read (intproxy read-ahead)",
  await remote(["read1", "/srv/bench/1m.bin"]),
  await local(binary, ["read1", `${work}/1m.bin`]),
);
row(
  "4 KiB open+read+close",
  await remote(["openread", "/srv/bench/4k.bin"]),
  await local(binary, ["openread", `${work}/4k.bin`]),
);
row(
  "outgoing connect + 1-byte echo",
  await remote(["echo", pod.echoTcp.hostname, String(pod.echoTcp.port)]),
  await local(binary, ["echo", "127.0.0.1", localEchoPort]),
);
row(
  "getaddrinfo (/etc/hosts name)",
  await remote(["resolve", pod.hostsName]),
  await local(binary, ["resolve", "localhost"]),
);
row(
  "getaddrinfo (pod DNS server name)",
  await remote(["resolve", pod.dnsName]),
  await local(binary, ["resolve", "localhost"]),
);
await localEcho.kill();
await Deno.remove(work, { recursive: true });

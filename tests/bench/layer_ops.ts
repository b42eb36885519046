/**
 * Layer overhead, beside the same operation done locally: 1-byte remote read, 4 KiB
 * open+read+close, outgoing connect + 1-byte echo and getaddrinfo, each through the layer and its
 * local link, answered by the layer tests' scripted intproxy (a Deno process on loopback — so the
 * remote figures are layer + local link + a Deno peer, without the real intproxy/agent hops), and
 * the bypass cost every unmanaged call pays (a local 1-byte read with and without LD_PRELOAD).
 *
 * Run: `deno run -A tests/bench/layer_ops.ts [iterations = 2000]`. Prints median and p99 in
 * microseconds. Figures, not assertions.
 *
 * @module
 */
import { FakeIntproxy } from "../../layer/tests/fixture/fake_intproxy.ts";
import { resolvedConfig, runApp } from "../../layer/tests/fixture/layer_app.ts";
import { echoStream } from "../../layer/tests/fixture/servers.ts";

const ITERATIONS = String(Number(Deno.args[0] ?? 2000));

interface Figure {
  median: number;
  p99: number;
}

async function measure(
  peer: FakeIntproxy | null,
  args: string[],
  noLayer = false,
): Promise<Figure> {
  const r = await runApp(peer, "bench", [...args, ITERATIONS], {
    noLayer,
    config: resolvedConfig({ network: { outgoing: { filter: { remote: ["198.51.100.0/24"] } } } }),
    timeoutMs: 600_000,
  });
  const m = r.stdout.match(/^([\d.]+) ([\d.]+)$/m);
  if (!m) {
    throw new Error(`Cannot run the layer benchmark ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  }
  return { median: Number(m[1]), p99: Number(m[2]) };
}

function row(name: string, remote: Figure, local: Figure): void {
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(
    `${name.padEnd(36)} layer median ${f(remote.median)} µs p99 ${
      f(remote.p99)
    } µs | local median ${f(local.median)} µs p99 ${f(local.p99)} µs | ratio ${
      (remote.median / local.median).toFixed(1)
    }x`,
  );
}

const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "layer-bench-" });
const content = "x".repeat(4096);
await Deno.writeTextFile(`${dir}/f`, content);
const echo = echoStream();
const echoPort = echo.address.split(":")[1];
const peer = new FakeIntproxy({
  files: { "/data/f": content },
  dns: { "svc.cluster.local": ["10.96.0.10"] },
  outgoing: { "198.51.100.1:80": { layer: echo.address, inCluster: "10.0.0.1:4000" } },
});
try {
  row(
    "1-byte read (pread)",
    await measure(peer, ["read1", "/data/f"]),
    await measure(null, ["read1", `${dir}/f`], true),
  );
  row(
    "4 KiB open+read+close",
    await measure(peer, ["open-read", "/data/f"]),
    await measure(null, ["open-read", `${dir}/f`], true),
  );
  row(
    "connect + 1-byte echo",
    await measure(peer, ["connect-echo", "198.51.100.1", "80"]),
    await measure(null, ["connect-echo", "127.0.0.1", echoPort], true),
  );
  row(
    "getaddrinfo",
    await measure(peer, ["getaddrinfo", "svc.cluster.local"]),
    await measure(null, ["getaddrinfo", "localhost"], true),
  );
  row(
    "bypass: local 1-byte read",
    await measure(peer, ["local-read1", `${dir}/f`]),
    await measure(null, ["local-read1", `${dir}/f`], true),
  );
} finally {
  await peer.close();
  await echo.close();
  await Deno.remove(dir, { recursive: true });
}

/**
 * `mirrord exec` end to end, network: DNS names only the pod knows, servers only the pod can
 * reach (TCP, UDP, the pod's own loopback), the pod's hostname — from curl, getent, python3 and
 * node under the layer.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod, type Pod } from "../harness/pod.ts";
import { execTest, mirrordExec, PYTHON } from "./run_exec.ts";

const APPS = new URL("../../apps/remote_tour/", import.meta.url).pathname;

/** An HTTP server on the pod's own 127.0.0.1, which nothing outside the pod can reach. */
async function podLoopbackHttp(pod: Pod): Promise<number> {
  const server = await pod.spawn(PYTHON, [
    "-u",
    "-c",
    [
      "import http.server",
      "class H(http.server.BaseHTTPRequestHandler):",
      "  def do_GET(self):",
      "    body = b'served inside the pod\\n'",
      "    self.send_response(200); self.send_header('Content-Length', str(len(body)))",
      "    self.end_headers(); self.wfile.write(body)",
      "  def log_message(self, *a): pass",
      "s = http.server.HTTPServer(('127.0.0.1', 0), H)",
      "print('ready', s.server_address[1], flush=True)",
      "s.serve_forever()",
    ].join("\n"),
  ], /^ready \d+$/);
  return Number(server.output.find((l) => l.startsWith("ready "))!.split(" ")[1]);
}

execTest("getent hosts resolves names only the pod's DNS and /etc/hosts know", async () => {
  await using pod = await createPod();
  const run = await mirrordExec(pod, ["getent", "hosts", pod.dnsName, pod.hostsName]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split("\n").map((l) => l.split(/\s+/));
  assert.deepEqual(lines, [[pod.podIp, pod.dnsName], [pod.podIp, pod.hostsName]]);
});

execTest("curl reaches a server on the pod's own loopback", async () => {
  await using pod = await createPod();
  const port = await podLoopbackHttp(pod);
  const run = await mirrordExec(pod, [
    "curl",
    "-sS",
    "--max-time",
    "10",
    `http://127.0.0.1:${port}/`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "served inside the pod\n");
});

execTest("hostname prints the pod's hostname", async () => {
  await using pod = await createPod({ hostname: "checkout-7f9c" });
  const run = await mirrordExec(pod, ["hostname"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "checkout-7f9c\n");
});

for (
  const [runtime, command] of [["python3", [PYTHON, `${APPS}tour.py`]], ["node", [
    "node",
    `${APPS}tour.mjs`,
  ]]] as const
) {
  execTest(
    `a ${runtime} app reads, resolves, connects over TCP and UDP and sees the hostname remotely`,
    async () => {
      await using pod = await createPod({ files: { "app/config.json": '{"from":"pod"}' } });
      const run = await mirrordExec(pod, [
        ...command,
        "/srv/app/config.json",
        pod.dnsName,
        pod.echoTcp.hostname,
        String(pod.echoTcp.port),
        pod.echoUdp.hostname,
        String(pod.echoUdp.port),
      ]);
      assert.equal(run.code, 0, run.stderr);
      const seen = JSON.parse(run.stdout);
      assert.equal(seen.file, '{"from":"pod"}');
      if (runtime === "node") assert.equal(seen.fileAsync, '{"from":"pod"}');
      assert.deepEqual(seen.dns, [pod.podIp]);
      assert.equal(seen.tcp, `${runtime === "node" ? "node" : "python"} over tcp`);
      assert.equal(seen.udp, `${runtime === "node" ? "node" : "python"} over udp`);
      assert.equal(seen.hostname, pod.hostname);
    },
  );
}

execTest(
  "the pod's echo servers are out of the host's reach (so the tests above prove something)",
  async () => {
    await using pod = await createPod();
    await assert.rejects(
      Deno.connect({ hostname: pod.echoTcp.hostname, port: pod.echoTcp.port }),
      "the host cannot connect to the pod's TCP echo server",
    );
  },
);

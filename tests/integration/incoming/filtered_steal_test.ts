/**
 * `mirrord exec` with an HTTP-filtered steal, end to end: matching requests are answered by the
 * local app (node, HTTP/1 and h2c), others by the pod's own server — on one keep-alive
 * connection, over HTTP/2 with prior knowledge, for a gRPC-style bidirectional stream and for a
 * WebSocket-style upgrade.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod, type Pod } from "../harness/pod.ts";
import { run } from "../harness/process.ts";
import { execTest } from "../exec/run_exec.ts";
import { appCommand, curl, HTTP_CLIENTS, incoming, podServer, startApp } from "./local_apps.ts";

function filtered(httpFilter: Record<string, unknown>): Record<string, unknown> {
  return incoming({ mode: "steal", http_filter: { ports: [8080, 8081], ...httpFilter } });
}

async function nodeApp(pod: Pod, httpFilter: Record<string, unknown>) {
  return await startApp(pod, appCommand("node", 8080, 8081), { config: filtered(httpFilter) }, 2);
}

execTest("filtered steal: a header filter takes matching requests only", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using _app = await nodeApp(pod, { header_filter: "^x-user: (alice|bob)$" });
  const url = `http://${pod.podIp}:8080/whoami`;
  assert.match(await curl("-H", "X-User: alice", url), /^local node GET \/whoami peer=/);
  assert.equal(await curl("-H", "X-User: carol", url), "pod GET /whoami ");
  assert.equal(await curl(url), "pod GET /whoami ");
});

execTest("filtered steal: a path filter splits one keep-alive connection", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using _app = await nodeApp(pod, { path_filter: "^/api/" });
  const base = `http://${pod.podIp}:8080`;
  // curl sends all three on one connection (it says so on stderr with -v).
  const out = await new Deno.Command("curl", {
    args: [
      "-sSv",
      "--max-time",
      "10",
      "-w",
      "\\n",
      `${base}/api/a`,
      `${base}/other`,
      `${base}/api/b?x=1`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  assert.equal(lines.length, 3, new TextDecoder().decode(out.stderr));
  assert.match(lines[0], /^local node GET \/api\/a peer=/);
  assert.equal(lines[1], "pod GET /other ");
  assert.match(lines[2], /^local node GET \/api\/b\?x=1 peer=/);
  assert.match(new TextDecoder().decode(out.stderr), /Re-using existing connection/);
});

execTest("filtered steal: HTTP/2 with prior knowledge, matched and unmatched", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080, 8081);
  await using _app = await nodeApp(pod, { path_filter: "^/api" });
  const url = (path: string) => `http://${pod.podIp}:8081${path}`;
  assert.equal(
    await curl("--http2-prior-knowledge", "-d", "hi", url("/api/h2")),
    "local node h2 POST /api/h2 body=hi",
  );
  assert.equal(await curl("--http2-prior-knowledge", url("/elsewhere")), "pod h2 GET /elsewhere ");
});

execTest(
  "filtered steal: a gRPC-style bidirectional h2c stream reaches the local app",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080, 8081);
    await using _app = await nodeApp(pod, { path_filter: "^/stream$" });
    const out = await run("node", [HTTP_CLIENTS, "h2-stream", pod.podIp, "8081", "one", "two"]);
    assert.deepEqual(out.trim().split("\n"), [
      "status 200",
      "data local:one",
      "data local:two",
      "trailer grpc-status=0",
    ]);
  },
);

execTest(
  "filtered steal: a WebSocket-style upgrade of a matched request becomes a raw stream",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using _app = await nodeApp(pod, { header_filter: "^upgrade: websocket$" });
    const out = await run("node", [HTTP_CLIENTS, "upgrade", pod.podIp, "8080", "/ws", "hello"]);
    assert.deepEqual(out.trim().split("\n"), [
      "HTTP/1.1 101 Switching Protocols",
      "data local:hello",
    ]);
    assert.equal(await curl(`http://${pod.podIp}:8080/plain`), "pod GET /plain ");
  },
);

/**
 * Incoming traffic across processes and sessions, end to end: several processes and ports under
 * one `mirrord exec`, two sessions stealing the same port (the second is told clearly), and an
 * agent SIGKILLed mid-steal (the pod serves again within 5 s, the app's session ends).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod, forkedChild } from "../harness/pod.ts";
import { startAgent } from "../harness/agent.ts";
import { natRulesOnceClean } from "../harness/pod_iptables.ts";
import { execTest, PYTHON, spawnExec } from "../exec/run_exec.ts";
import { appCommand, curl, incoming, podServer, startApp } from "./local_apps.ts";

execTest("steal: several processes and ports under one mirrord exec", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  const python = appCommand("python3", 8080).map((a) => `'${a}'`).join(" ");
  const node = appCommand("node", 9000, 9001).map((a) => `'${a}'`).join(" ");
  await using _app = await startApp(pod, ["sh", "-c", `${python} & exec ${node}`], {
    config: incoming({ mode: "steal" }),
  }, 3);
  const [a, b, c] = await Promise.all([
    curl(`http://${pod.podIp}:8080/py`),
    curl(`http://${pod.podIp}:9000/node`),
    curl("--http2-prior-knowledge", `http://${pod.podIp}:9001/h2`),
  ]);
  assert.match(a, /^local python GET \/py peer=/);
  assert.match(b, /^local node GET \/node peer=/);
  assert.equal(c, "local node h2 GET /h2 body=");
});

execTest("steal: a second session stealing the same port is told clearly", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using agent = await startAgent(pod);
  const config = incoming({ mode: "steal" });
  await using _first = await startApp(pod, appCommand("node", 8080), { config, agent });
  await using second = await spawnExec(pod, [
    PYTHON,
    "-c",
    [
      "import socket",
      "s = socket.socket()",
      "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
      "s.bind(('0.0.0.0', 8080))",
      "try:",
      "  s.listen()",
      "  print('listening')",
      "except OSError as e:",
      "  print('listen failed:', e.strerror)",
    ].join("\n"),
  ], { config, agent });
  const result = await second.finish();
  assert.equal(result.stdout.trim(), "listen failed: Address already in use");
  assert.match(
    result.stderr,
    /Cannot steal port 8080: another mirrord session already steals it — stop that session, or give both sessions an HTTP filter/,
  );
  assert.match(await curl(`http://${pod.podIp}:8080/`), /^local node GET \/ peer=/);
});

execTest(
  "steal: an agent SIGKILLed mid-steal gives the port back to the pod within 5 s",
  async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using agent = await startAgent(pod);
    await using app = await startApp(pod, appCommand("node", 8080), {
      config: incoming({ mode: "steal" }),
      agent,
    });
    const url = `http://${pod.podIp}:8080/`;
    assert.match(await curl(url), /^local node GET \/ peer=/);
    Deno.kill(await forkedChild(agent.process.pid), "SIGKILL");
    const killedAt = Date.now();
    let answer = "";
    while (Date.now() - killedAt < 5000 && answer !== "pod GET / ") {
      answer = await curl("--max-time", "1", url).catch(() => "");
    }
    assert.equal(answer, "pod GET / ", "the pod answers again within 5 s");
    const nat = await natRulesOnceClean(pod, killedAt + 5000);
    assert.ok(!nat.includes("MRDIN_"), `the agent's chains are gone within 5 s:\n${nat}`);
    // The failed session terminates the app (SIGTERM, forwarded status 128 + 15).
    const result = await app.finish();
    assert.equal(result.code, 143, result.stderr);
    assert.ok(
      app.log().some((r) => String(r.message).startsWith("session failed: the agent closed")),
      "the intproxy log says why",
    );
  },
);

/**
 * `mirrord exec` end to end, faults: an unreachable intproxy or agent at start, the agent killed
 * mid-session, a rogue client sending garbage to the intproxy.
 *
 * Decisions (see intproxy/README.md): the layer has no local fallback — an intproxy it cannot
 * reach aborts the process with one clear line; after the agent dies the intproxy answers every
 * remote operation with `ProxyFailed` (the layer turns it into EIO), closes the app's intercepted
 * sockets, sends the app SIGTERM (SIGKILL 2 s later, as mirrord does) and exits non-zero once idle.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod } from "../harness/pod.ts";
import { defaultResolvedConfig, encodeResolvedConfig } from "../../../schema/mod.ts";
import { execTest, LAYER, mirrordExec, PYTHON, spawnExec } from "./run_exec.ts";

/** Remote file + remote TCP connection, then on "go" uses both and reports what happened. */
const SURVIVOR = `
import errno, json, signal, socket, sys
signals = []
signal.signal(signal.SIGTERM, lambda *a: signals.append("SIGTERM"))
f = open('/srv/app/data.txt')
first = f.read(3)
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b'hello'); echoed = s.recv(10).decode()
print('ready', first, echoed, flush=True)
sys.stdin.readline()
seen = {}
try:
    seen['file'] = f.read()
except OSError as e:
    seen['file'] = errno.errorcode[e.errno]
try:
    s.sendall(b'again')
    seen['socket'] = s.recv(10).decode() or 'EOF'
except OSError as e:
    seen['socket'] = errno.errorcode.get(e.errno, str(e))
seen['signals'] = signals
print(json.dumps(seen), flush=True)
`;

execTest(
  "an agent killed mid-session makes remote fds fail, ends the app and the intproxy",
  async () => {
    await using pod = await createPod({ files: { "app/data.txt": "abcdef" } });
    await using session = await spawnExec(pod, [
      PYTHON,
      "-c",
      SURVIVOR,
      pod.echoTcp.hostname,
      String(pod.echoTcp.port),
    ]);
    assert.equal(await session.line(), "ready abc hello");
    await session.agent.stop(); // SIGKILL
    await session.say("go");
    const seen = JSON.parse(await session.line());
    assert.equal(seen.file, "EIO");
    assert.ok(["EOF", "ECONNRESET", "EPIPE"].includes(seen.socket), `socket: ${seen.socket}`);
    const result = await session.finish();
    assert.equal(result.code, 0, "the app handled SIGTERM and finished on its own");
    assert.match(result.stderr, /\[layer\] .*mirrord's internal proxy failed: /);
    const deadline = Date.now() + 15000;
    while (!session.log().some((r) => r.message === "intproxy exiting")) {
      assert.ok(Date.now() < deadline, "the intproxy exits");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const log = session.log();
    assert.ok(log.some((r) => String(r.message).startsWith("session failed: ")), "logged why");
    assert.equal(log.find((r) => r.message === "intproxy exiting")?.code, 1);
    assert.ok(log.some((r) => r.message === "sent SIGTERM to layer process"), "the app was told");
  },
);

execTest("a client sending garbage to the intproxy is dropped, the app keeps working", async () => {
  await using pod = await createPod({ files: { "app/data.txt": "still here" } });
  await using session = await spawnExec(pod, [
    PYTHON,
    "-c",
    "import sys\nprint('ready', flush=True)\nsys.stdin.readline()\nprint(open('/srv/app/data.txt').read(), flush=True)",
  ]);
  assert.equal(await session.line(), "ready");
  const listening = session.log().find((r) => r.message === "listening for layers");
  const [hostname, port] = String(listening?.address).split(":");
  const rogue = await Deno.connect({ hostname, port: Number(port) });
  await rogue.write(new Uint8Array([0, 0, 0, 3, 0xff, 0xff, 0xff]));
  assert.equal(await rogue.read(new Uint8Array(16)), null, "the intproxy hung up on it");
  rogue.close();
  await session.say("go");
  assert.equal(await session.line(), "still here");
  const result = await session.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.ok(session.log().some((r) => r.message === "dropping a layer that sent an invalid frame"));
});

execTest("a layer that cannot reach its intproxy stops the app with one clear line", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const config = defaultResolvedConfig();
  config.target = { path: { pod: "x", container: null } };
  const out = await new Deno.Command("cat", {
    args: ["/etc/hostname"],
    env: {
      LD_PRELOAD: LAYER,
      MIRRORD_RESOLVED_CONFIG: encodeResolvedConfig(config),
      MIRRORD_LAYER_INTPROXY_ADDR: `127.0.0.1:${port}`,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.notEqual(out.code, 0);
  assert.equal(out.stdout.length, 0, "the app did not run without its session");
  assert.match(stderr, new RegExp(`\\[layer\\] .*127\\.0\\.0\\.1:${port}`));
});

execTest("mirrord exec with an unreachable agent fails before starting the app", async () => {
  await using pod = await createPod();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const marker = await Deno.makeTempFile();
  const run = await mirrordExec(pod, ["rm", marker], {
    config: { connect_tcp: `127.0.0.1:${port}` },
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: Cannot connect to the agent at 127\.0\.0\.1:\d+: /);
  assert.equal(run.stderr.trim().split("\n").length, 1, "one line");
  assert.ok((await Deno.stat(marker)).isFile, "the app never ran");
  await Deno.remove(marker);
});

import assert from "node:assert/strict";
import { ScriptedAgent } from "./_test/scripted_agent.ts";
import { ScriptedLayer } from "./_test/scripted_layer.ts";
import { startSession } from "./_test/session_under_test.ts";

const ENV = { GetEnv: { env_vars_filter: [], env_vars_select: ["*"] } };

function sleeper(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" }).spawn();
}

Deno.test("Session answers pending and later requests ProxyFailed when the agent goes away", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, (c) => c.internal_proxy.idle_timeout = 0.2, 0.1);
  const layer = await ScriptedLayer.connect(session.address);
  const pending = layer.request(ENV);
  await agent.next();
  agent.dropClient();
  const failed = {
    ProxyFailed: { agent_reported: false, message: "the agent closed the connection" },
  };
  assert.deepEqual(await pending, failed);
  assert.deepEqual(await layer.request(ENV), failed, "later requests fail the same way");
  await layer.send({ File: { Close: { fd: 1n } } }); // no answer expected, none comes
  assert.deepEqual(await layer.request(ENV), failed);
  layer.close();
  assert.equal(await session.exited, 1, "a failed session exits non-zero once idle");
  assert.ok(
    session.logRecords().some((r) =>
      r.message === "session failed: the agent closed the connection"
    ),
  );
});

Deno.test("Session reports the agent's Close reason as agent_reported", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, () => {}, 0.1);
  await using layer = await ScriptedLayer.connect(session.address);
  const pending = layer.request(ENV);
  await agent.next();
  agent.send({ Close: "target container exited" });
  assert.deepEqual(await pending, {
    ProxyFailed: {
      agent_reported: true,
      message: "agent closed connection with error: target container exited",
    },
  });
});

Deno.test("Session sends SIGTERM, then SIGKILL, to layer processes after a failure", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, () => {}, 0.2);
  const stubborn = new Deno.Command("sh", {
    args: ["-c", "trap '' TERM; echo ready; sleep 30"],
    stdout: "piped",
  }).spawn();
  const reader = stubborn.stdout.getReader();
  await reader.read(); // the trap is installed
  reader.releaseLock();
  const polite = sleeper();
  await using _a = await ScriptedLayer.connect(session.address, { pid: stubborn.pid });
  await using _b = await ScriptedLayer.connect(session.address, { pid: polite.pid });
  agent.dropClient();
  assert.equal((await polite.status).signal, "SIGTERM");
  assert.equal((await stubborn.status).signal, "SIGKILL");
  await stubborn.stdout.cancel();
});

Deno.test("Session fails when the agent sends bytes no protocol version decodes", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, () => {}, 0.1);
  await using layer = await ScriptedLayer.connect(session.address);
  const pending = layer.request(ENV);
  await agent.next();
  agent.sendRaw(new Uint8Array([0xfb, 0x10, 0x00])); // DaemonMessage variant 4112
  const answer = await pending;
  assert.ok("ProxyFailed" in answer);
  assert.match(answer.ProxyFailed.message, /^agent connection failed: Cannot decode DaemonMessage/);
});

Deno.test("Session fails on an agent reply nothing asked for", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, () => {}, 0.1);
  await using layer = await ScriptedLayer.connect(session.address);
  agent.send({ File: { Open: { Ok: { fd: 1n } } } });
  const answer = await layer.request(ENV);
  assert.ok("ProxyFailed" in answer);
  assert.match(answer.ProxyFailed.message, /no file request is outstanding/);
});

Deno.test("Session logs agent log messages and answers operator pings without failing", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  agent.send({ LogMessage: { message: "disk is slow", level: "Warn" } });
  agent.send({ OperatorPing: 77n });
  assert.deepEqual(await agent.next(), { OperatorPong: 77n });
  const ask = layer.request(ENV);
  await agent.next();
  agent.send({ GetEnvVarsResponse: { Ok: { A: "1" } } });
  assert.deepEqual(await ask, { GetEnv: { Ok: { A: "1" } } });
  assert.ok(
    session.logRecords().some((r) => r.message === "agent: disk is slow" && r.level === "WARN"),
  );
});

Deno.test("Session answers a layer that connects after the failure with ProxyFailed", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent, () => {}, 0.1);
  await using first = await ScriptedLayer.connect(session.address);
  agent.dropClient();
  await agent.disconnected;
  await new Promise((resolve) => setTimeout(resolve, 50));
  await assert.rejects(
    ScriptedLayer.connect(session.address),
    /NewSession answered {"ProxyFailed"/,
  );
  assert.ok("ProxyFailed" in await first.request(ENV));
});

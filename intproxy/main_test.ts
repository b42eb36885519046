import assert from "node:assert/strict";
import { defaultResolvedConfig, encodeResolvedConfig, type ResolvedConfig } from "../schema/mod.ts";
import { ScriptedAgent } from "./_test/scripted_agent.ts";
import { ScriptedLayer } from "./_test/scripted_layer.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const DENO_JSON = new URL("../deno.json", import.meta.url).pathname;

function configEnv(tweak: (config: ResolvedConfig) => void): Record<string, string> {
  const config = defaultResolvedConfig();
  tweak(config);
  return { MIRRORD_RESOLVED_CONFIG: encodeResolvedConfig(config) };
}

function spawnIntproxy(env: Record<string, string>, args: string[] = []): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--config=${DENO_JSON}`, CLI, "intproxy", ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

/** Session id of a process (field 6 of /proc/PID/stat). */
function sessionOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
}

Deno.test("mirrord intproxy prints its address first, detaches and serves layers", async () => {
  await using agent = ScriptedAgent.start();
  const log = await Deno.makeTempFile({ suffix: ".log" });
  const child = spawnIntproxy(
    configEnv((c) => {
      c.connect_tcp = agent.address;
      c.internal_proxy.idle_timeout = 0.5;
    }),
    ["--log-destination", log, "debug", "words", "ignored"],
  );
  const stdout = await text(child.stdout);
  const stderr = await text(child.stderr);
  assert.match(stdout, /^127\.0\.0\.1:\d+\n/, `stderr: ${stderr}`);
  assert.equal(stderr, "", "nothing on stderr");
  assert.equal(sessionOf(child.pid), child.pid, "own session after setsid()");
  const address = stdout.split("\n")[0];
  const layer = await ScriptedLayer.connect(address, { pid: 0 });
  assert.equal(layer.id, 0n);
  const ask = layer.request({ GetEnv: { env_vars_filter: [], env_vars_select: ["*"] } });
  await agent.next();
  agent.send({ GetEnvVarsResponse: { Ok: { FROM: "agent" } } });
  assert.deepEqual(await ask, { GetEnv: { Ok: { FROM: "agent" } } });
  layer.close();
  await layer.closed;
  assert.equal((await child.status).code, 0, "idle exit after the last layer left");
  const records = Deno.readTextFileSync(log).trim().split("\n").map((l) => JSON.parse(l));
  await Deno.remove(log);
  assert.ok(records.some((r) => r.message === "listening for layers" && r.address === address));
  assert.equal(records.at(-1).message, "intproxy exiting");
});

Deno.test("mirrord intproxy exits 1 with one clear line when the agent is unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const child = spawnIntproxy(configEnv((c) => {
    c.connect_tcp = `127.0.0.1:${port}`;
    c.internal_proxy.log_destination = "/dev/null";
  }));
  const [stdout, stderr, status] = await Promise.all([
    text(child.stdout),
    text(child.stderr),
    child.status,
  ]);
  assert.equal(status.code, 1);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    new RegExp(`^\\[intproxy\\] Cannot connect to the agent at 127\\.0\\.0\\.1:${port}: .+\\n$`),
  );
});

Deno.test("mirrord intproxy exits 1 when the agent never answers its ping", async () => {
  await using agent = ScriptedAgent.start({ silent: true });
  const child = spawnIntproxy(configEnv((c) => {
    c.connect_tcp = agent.address;
    c.agent.communication_timeout = 1;
    c.internal_proxy.log_destination = "/dev/null";
  }));
  const [stderr, status] = await Promise.all([
    text(child.stderr),
    child.status,
    text(child.stdout),
  ]);
  assert.equal(status.code, 1);
  assert.match(
    stderr,
    /^\[intproxy\] Cannot use the agent: the agent did not answer a ping within 1000 ms\n$/,
  );
});

Deno.test("mirrord intproxy refuses to start without a resolved config", async () => {
  const child = spawnIntproxy({});
  const [stderr, status] = await Promise.all([
    text(child.stderr),
    child.status,
    text(child.stdout),
  ]);
  assert.equal(status.code, 1);
  assert.match(
    stderr,
    /^\[intproxy\] Cannot start the internal proxy: MIRRORD_RESOLVED_CONFIG is not set/,
  );
});

import assert from "node:assert/strict";
import { decodeResolvedConfig } from "../../schema/mod.ts";
import { ScriptedAgent } from "../../intproxy/_test/scripted_agent.ts";

const CLI = new URL("../main.ts", import.meta.url).pathname;
/** A real library that does nothing when preloaded: these tests check the CLI, not the layer. */
const HARMLESS_PRELOAD = "/lib/x86_64-linux-gnu/libm.so.6";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function mirrordExec(
  config: Record<string, unknown>,
  command: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/mirrord.json`, JSON.stringify(config));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "exec", "-f", `${dir}/mirrord.json`, "--", ...command],
      env: { MIRRORD_LAYER_FILE: HARMLESS_PRELOAD, TMPDIR: dir, ...env },
      stdin: "null",
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function envAgent(vars: Record<string, string>): ScriptedAgent {
  return ScriptedAgent.start({
    handle: (message, agent) => {
      if (typeof message === "object" && "GetEnvVarsRequest" in message) {
        agent.send({ GetEnvVarsResponse: { Ok: vars } });
        return true;
      }
    },
  });
}

const PRINT_ENV = ["sh", "-c", 'printf "%s|" "$APP" "$SECRET" "$EXTRA" "$GONE" "$LD_PRELOAD"'];

Deno.test("mirrord exec runs the app with the remote env, overrides, unset and the layer hand-off", async () => {
  await using agent = envAgent({ APP: "remote", SECRET: "s3", GONE: "x", DB_TIMEOUT: "5" });
  const run = await mirrordExec({
    connect_tcp: agent.address,
    feature: {
      env: { override: { EXTRA: "over" }, unset: ["GONE"], mapping: { ".+_TIMEOUT": "60" } },
    },
  }, [
    ...PRINT_ENV.slice(0, 2),
    PRINT_ENV[2] + '; printf "%s|%s" "$DB_TIMEOUT" "$MIRRORD_LAYER_INTPROXY_ADDR"',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const [app, secret, extra, gone, preload, timeout, address] = run.stdout.split("|");
  assert.deepEqual([app, secret, extra, gone, preload, timeout], [
    "remote",
    "s3",
    "over",
    "",
    HARMLESS_PRELOAD,
    "60",
  ]);
  assert.match(address, /^127\.0\.0\.1:\d+$/);
  const request = agent.received.find((m) => typeof m === "object" && "GetEnvVarsRequest" in m);
  assert.deepEqual(request, { GetEnvVarsRequest: { env_vars_filter: [], env_vars_select: ["*"] } });
  assert.ok(agent.received.includes("Ping"), "the intproxy connected and pinged the agent");
});

Deno.test("mirrord exec passes include and exclude lists to the agent", async () => {
  await using agent = envAgent({ APP: "1" });
  await mirrordExec({ connect_tcp: agent.address, feature: { env: { exclude: "A;B" } } }, ["true"]);
  await using agent2 = envAgent({ APP: "1" });
  await mirrordExec({ connect_tcp: agent2.address, feature: { env: { include: ["APP"] } } }, [
    "true",
  ]);
  const requests = [agent, agent2].map((a) =>
    a.received.find((m) => typeof m === "object" && "GetEnvVarsRequest" in m)
  );
  assert.deepEqual(requests, [
    { GetEnvVarsRequest: { env_vars_filter: ["A", "B"], env_vars_select: [] } },
    { GetEnvVarsRequest: { env_vars_filter: [], env_vars_select: ["APP"] } },
  ]);
});

Deno.test("mirrord exec exits with the app's status and hands it the resolved config", async () => {
  await using agent = envAgent({});
  const run = await mirrordExec(
    { connect_tcp: agent.address, feature: { fs: "write" } },
    ["sh", "-c", 'printf "%s" "$MIRRORD_RESOLVED_CONFIG"; exit 7'],
  );
  assert.equal(run.code, 7);
  const config = decodeResolvedConfig(run.stdout);
  assert.equal(config.feature.fs.mode, "write");
  assert.equal(config.connect_tcp, agent.address);
  assert.equal(config.experimental.disable_reuseaddr, true, "OSS experimental defaults applied");
});

Deno.test("mirrord exec prints the config summary and Ready! on stderr", async () => {
  await using agent = envAgent({});
  const run = await mirrordExec({ connect_tcp: agent.address }, ["true"]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "", "stdout belongs to the app");
  for (
    const line of [
      "Running command: true",
      "mirrord will run without a target, the configuration file was loaded from ",
      "mirrord will run without the mirrord Operator",
      "env: all remote environment variables will be fetched",
      "fs: file operations will default to read from the remote",
      "incoming: incoming traffic will be mirrored",
      "outgoing: forwarding is enabled on TCP and UDP",
      "dns: DNS will be resolved remotely",
      "internal proxy: logs will be written to ",
      "Ready!",
    ]
  ) assert.ok(run.stderr.includes(line), `missing "${line}" in:\n${run.stderr}`);
});

Deno.test("mirrord exec prints nothing with MIRRORD_PROGRESS_MODE=off", async () => {
  await using agent = envAgent({});
  const run = await mirrordExec({ connect_tcp: agent.address }, ["true"], {
    MIRRORD_PROGRESS_MODE: "off",
  });
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
});

Deno.test("mirrord exec fails with one clear line when the agent is unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const run = await mirrordExec({ connect_tcp: `127.0.0.1:${port}` }, ["true"], {
    MIRRORD_PROGRESS_MODE: "off",
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    new RegExp(
      `^error: Cannot connect to the agent at 127\\.0\\.0\\.1:${port}: .+ — check that the agent ` +
        "is running and connect_tcp points at it\\n$",
    ),
  );
});

Deno.test("mirrord exec fails clearly when the intproxy cannot start", async () => {
  // The agent answers the CLI, then vanishes before the intproxy connects.
  const agent = ScriptedAgent.start({
    handle: (message, self) => {
      if (typeof message === "object" && "GetEnvVarsRequest" in message) {
        self.send({ GetEnvVarsResponse: { Ok: {} } });
        self[Symbol.asyncDispose]();
        return true;
      }
    },
  });
  const run = await mirrordExec({ connect_tcp: agent.address }, ["true"], {
    MIRRORD_PROGRESS_MODE: "off",
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^error: Cannot start the internal proxy: Cannot connect to the agent at 127\.0\.0\.1:\d+: .+ — see its log at /,
  );
});

Deno.test("mirrord exec refuses to run inside a mirrord session", async () => {
  const run = await mirrordExec({}, ["true"], { MIRRORD_RESOLVED_CONFIG: "e30=" });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Cannot run mirrord inside mirrord/);
});

Deno.test("mirrord exec without a kubeconfig says where it looked and what to set", async () => {
  const home = await Deno.makeTempDir();
  try {
    const run = await mirrordExec({}, ["true"], {
      MIRRORD_PROGRESS_MODE: "off",
      HOME: home,
      KUBECONFIG: "",
      // Deno keeps its cache under HOME unless told otherwise.
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: Cannot find a kubeconfig: ".*\/\.kube\/config" does not exist — set KUBECONFIG/,
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("mirrord exec names an unreachable API server and a broken kubeconfig", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    await Deno.writeTextFile(
      `${dir}/kubeconfig`,
      `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: lab, context: {cluster: c, user: u}}]
current-context: lab
`,
    );
    const down = await mirrordExec({}, ["true"], {
      MIRRORD_PROGRESS_MODE: "off",
      KUBECONFIG: `${dir}/kubeconfig`,
    });
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      new RegExp(
        `^error: Cannot reach the Kubernetes API server https://127\\.0\\.0\\.1:${port} ` +
          `\\(context "lab"\\): connection refused — is the cluster running\\?`,
      ),
    );
    await Deno.writeTextFile(`${dir}/broken`, "clusters: [\n  - {name: c\n");
    const broken = await mirrordExec({}, ["true"], {
      MIRRORD_PROGRESS_MODE: "off",
      KUBECONFIG: `${dir}/broken`,
    });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^error: Cannot read kubeconfig ".*\/broken": /);
    assert.doesNotMatch(broken.stderr, /^\s+at /m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mirrord exec refuses operator-only targets before touching the cluster", async () => {
  const run = await mirrordExec({ target: "statefulset/db" }, ["true"], {
    MIRRORD_PROGRESS_MODE: "off",
    KUBECONFIG: "/nonexistent/kubeconfig",
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^error: Cannot target statefulset: statefulset targets require the mirrord operator/,
  );
});

Deno.test("mirrord exec names a missing layer and a missing command", async () => {
  const noLayer = await mirrordExec({ connect_tcp: "127.0.0.1:1" }, ["true"], {
    MIRRORD_LAYER_FILE: "/nonexistent/libmirrord_layer.so",
    MIRRORD_PROGRESS_MODE: "off",
  });
  assert.equal(noLayer.code, 1);
  assert.match(
    noLayer.stderr,
    /Cannot find the mirrord layer at \/nonexistent\/libmirrord_layer\.so/,
  );
  const noCommand = await mirrordExec({ connect_tcp: "127.0.0.1:1" }, ["no-such-cmd-xyz"], {
    MIRRORD_PROGRESS_MODE: "off",
  });
  assert.equal(noCommand.code, 1);
  assert.match(noCommand.stderr, /Cannot run "no-such-cmd-xyz": command not found/);
});

Deno.test("mirrord exec forwards SIGTERM to the app and exits with its status", async () => {
  await using agent = envAgent({});
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/mirrord.json`, JSON.stringify({ connect_tcp: agent.address }));
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI,
        "exec",
        "-f",
        `${dir}/mirrord.json`,
        "--",
        "sh",
        "-c",
        // bounded, so a signal that never arrives ends the test instead of hanging it
        'trap "echo got TERM; exit 3" TERM; echo ready; for i in $(seq 300); do sleep 0.1; done',
      ],
      env: { MIRRORD_LAYER_FILE: HARMLESS_PRELOAD, MIRRORD_PROGRESS_MODE: "off", TMPDIR: dir },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready\n")) {
      const { value, done } = await lines.read();
      if (done) assert.fail(`exec ended before the app was ready: ${out}${await stderr}`);
      out += value;
    }
    child.kill("SIGTERM");
    const status = await child.status;
    while (true) {
      const { value, done } = await lines.read();
      if (done) break;
      out += value;
    }
    assert.deepEqual({ code: status.code, signal: status.signal }, { code: 3, signal: null });
    assert.equal(out, "ready\ngot TERM\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

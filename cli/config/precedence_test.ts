/** mirrord's precedence per field: CLI flag > process environment > file > default. */
import assert from "node:assert/strict";
import { execParamsToEnv } from "./exec_params.ts";
import { loadConfigText } from "./_load_text.ts";

const FILE = JSON.stringify({
  target: { path: "pod/from-file", namespace: "file-ns" },
  agent: { ttl: 10, namespace: "file-agent-ns", log_level: "warn" },
  feature: { fs: "write", network: { dns: true, outgoing: { tcp: true } } },
  kube_context: "file-ctx",
});

Deno.test("precedence: the file beats the default", async () => {
  const { config } = await loadConfigText(FILE);
  assert.equal(config.agent.ttl, 10);
  assert.equal(config.feature.fs.mode, "write");
});

Deno.test("precedence: the default applies when neither file nor env set a field", async () => {
  const { config } = await loadConfigText(FILE);
  assert.equal(config.agent.startup_timeout, 60);
  assert.equal(config.feature.network.incoming.mode, "mirror");
});

Deno.test("precedence: the process environment beats the file", async () => {
  const { config } = await loadConfigText(FILE, {
    env: {
      MIRRORD_AGENT_TTL: "20",
      MIRRORD_FILE_MODE: "local",
      MIRRORD_IMPERSONATED_TARGET: "pod/from-env",
      MIRRORD_KUBE_CONTEXT: "env-ctx",
    },
  });
  assert.equal(config.agent.ttl, 20);
  assert.equal(config.feature.fs.mode, "local");
  assert.deepEqual(config.target.path, { pod: "from-env", container: null });
  assert.equal(config.target.namespace, "file-ns");
  assert.equal(config.kube_context, "env-ctx");
});

Deno.test("precedence: a CLI flag beats the process environment and the file", async () => {
  const overrides = execParamsToEnv({
    target: "pod/from-flag",
    agentTtl: "30",
    fsMode: "read",
    context: "flag-ctx",
  });
  const { config } = await loadConfigText(FILE, {
    overrides,
    env: { MIRRORD_AGENT_TTL: "20", MIRRORD_IMPERSONATED_TARGET: "pod/from-env" },
  });
  assert.equal(config.agent.ttl, 30);
  assert.equal(config.feature.fs.mode, "read");
  assert.deepEqual(config.target.path, { pod: "from-flag", container: null });
  assert.equal(config.kube_context, "flag-ctx");
});

Deno.test("precedence: MIRRORD_CONFIG_FILE from a flag beats the environment's", async () => {
  const { config, path } = await loadConfigText(FILE, {
    env: { MIRRORD_CONFIG_FILE: "/nonexistent/elsewhere.json" },
  });
  assert.ok(path?.endsWith("mirrord.json"));
  assert.equal(config.agent.ttl, 10);
});

Deno.test("precedence: MIRRORD_KEY beats the file's key, which beats a generated one", async () => {
  const file = JSON.stringify({ key: "file-key" });
  assert.deepEqual((await loadConfigText(file)).config.key, { Provided: "file-key" });
  const flagged = await loadConfigText(file, { overrides: execParamsToEnv({ key: "flag-key" }) });
  assert.deepEqual(flagged.config.key, { Provided: "flag-key" });
  const generated = (await loadConfigText("{}")).config.key;
  assert.ok("Generated" in generated && /^[0-9a-f]{5}$/.test(generated.Generated));
});

Deno.test("precedence: MIRRORD_AGENT_IMAGE beats the file; registry/tag vars only fill gaps", async () => {
  const file = JSON.stringify({ agent: { image: { registry: "file/repo" } } });
  const full = await loadConfigText(file, { env: { MIRRORD_AGENT_IMAGE: "env/img:9" } });
  assert.equal(full.config.agent.image, "env/img:9");
  const parts = await loadConfigText(file, {
    env: { MIRRORD_AGENT_IMAGE_REGISTRY: "env/repo", MIRRORD_AGENT_IMAGE_TAG: "7" },
  });
  assert.equal(parts.config.agent.image, "file/repo:7");
});

Deno.test("precedence: legacy MIRRORD_FILE_OPS / MIRRORD_FILE_RO_OPS map to fs modes", async () => {
  const mode = async (env: Record<string, string>) =>
    (await loadConfigText("{}", { env })).config.feature.fs.mode;
  assert.equal(await mode({ MIRRORD_FILE_OPS: "true" }), "write");
  assert.equal(await mode({ MIRRORD_FILE_RO_OPS: "true" }), "read");
  assert.equal(await mode({ MIRRORD_FILE_OPS: "false", MIRRORD_FILE_RO_OPS: "false" }), "local");
  assert.equal(await mode({ MIRRORD_FILE_MODE: "write", MIRRORD_FILE_RO_OPS: "true" }), "write");
});

Deno.test("precedence: the steal variable beats the file's incoming mode", async () => {
  const file = JSON.stringify({ target: "pod/p", feature: { network: { incoming: "mirror" } } });
  const steal = await loadConfigText(file, { overrides: execParamsToEnv({ steal: true }) });
  assert.equal(steal.config.feature.network.incoming.mode, "steal");
  const off = await loadConfigText(file, { env: { MIRRORD_AGENT_TCP_STEAL_TRAFFIC: "false" } });
  assert.equal(off.config.feature.network.incoming.mode, "off");
});

Deno.test("precedence: MIRRORD_CLI_STRICT_ENV hides the process environment except allow-listed names", async () => {
  const { strictFilter } = await import("./config_env.ts");
  const env = strictFilter({
    MIRRORD_CLI_STRICT_ENV: "true",
    MIRRORD_CLI_STRICT_ENV_ALLOWLIST: "HOME, MIRRORD_AGENT_TTL",
    HOME: "/h",
    MIRRORD_AGENT_TTL: "5",
    MIRRORD_FILE_MODE: "write",
  });
  assert.deepEqual(env, { HOME: "/h", MIRRORD_AGENT_TTL: "5" });
});

Deno.test("execParamsToEnv() maps every EXEC-PARAMS flag to its MIRRORD_* override", () => {
  assert.deepEqual(
    execParamsToEnv({
      target: "pod/a",
      targetNamespace: "tn",
      agentNamespace: "an",
      agentLogLevel: "debug",
      agentImage: "img",
      agentTtl: "5",
      agentStartupTimeout: "9",
      ephemeralContainer: true,
      fsMode: "write",
      overrideEnvVarsExclude: "A;B",
      overrideEnvVarsInclude: "C",
      remoteDns: false,
      skipProcesses: "x;y",
      acceptInvalidCertificates: true,
      steal: true,
      outgoing: false,
      telemetry: false,
      configFile: true,
      context: "ctx",
      envFile: ".env",
      key: "k",
    }),
    {
      MIRRORD_IMPERSONATED_TARGET: "pod/a",
      MIRRORD_TARGET_NAMESPACE: "tn",
      MIRRORD_AGENT_NAMESPACE: "an",
      MIRRORD_AGENT_RUST_LOG: "debug",
      MIRRORD_AGENT_IMAGE: "img",
      MIRRORD_AGENT_TTL: "5",
      MIRRORD_AGENT_STARTUP_TIMEOUT: "9",
      MIRRORD_EPHEMERAL_CONTAINER: "true",
      MIRRORD_FILE_MODE: "write",
      MIRRORD_OVERRIDE_ENV_VARS_EXCLUDE: "A;B",
      MIRRORD_OVERRIDE_ENV_VARS_INCLUDE: "C",
      MIRRORD_REMOTE_DNS: "false",
      MIRRORD_SKIP_PROCESSES: "x;y",
      MIRRORD_ACCEPT_INVALID_CERTIFICATES: "true",
      MIRRORD_AGENT_TCP_STEAL_TRAFFIC: "true",
      MIRRORD_TCP_OUTGOING: "false",
      MIRRORD_UDP_OUTGOING: "false",
      MIRRORD_TELEMETRY: "false",
      MIRRORD_CONFIG_FILE: "./.mirrord/mirrord.json",
      MIRRORD_KUBE_CONTEXT: "ctx",
      MIRRORD_OVERRIDE_ENV_VARS_FILE: ".env",
      MIRRORD_KEY: "k",
    },
  );
});

Deno.test("execParamsToEnv() sets nothing for flags not given, and splits --no-*-outgoing", () => {
  assert.deepEqual(execParamsToEnv({}), {});
  assert.deepEqual(execParamsToEnv({ udpOutgoing: false }), { MIRRORD_UDP_OUTGOING: "false" });
  assert.deepEqual(execParamsToEnv({ acceptInvalidCertificates: "false" }), {
    MIRRORD_ACCEPT_INVALID_CERTIFICATES: "false",
  });
});

/**
 * The examples of mirrord's configuration reference (basic, templated, complete) resolve to
 * the documented values.
 */
import assert from "node:assert/strict";
import { loadConfigText } from "./_load_text.ts";

const EXAMPLES = new URL("../../tests/config_corpus/reference_examples/", import.meta.url);
const BASIC = await Deno.readTextFile(new URL("basic.json", EXAMPLES));
const TEMPLATED = await Deno.readTextFile(new URL("templated.json", EXAMPLES));
const COMPLETE = await Deno.readTextFile(new URL("complete.json", EXAMPLES));

Deno.test("loadConfig() resolves the basic example to mirrord's documented values", async () => {
  const { config, warnings } = await loadConfigText(BASIC);
  assert.deepEqual(config.target, { path: { pod: "bear-pod", container: null } });
  assert.equal(config.feature.fs.mode, "read");
  assert.equal(config.feature.env.include, null);
  assert.equal(config.feature.env.exclude, null);
  assert.equal(config.feature.network.incoming.mode, "mirror");
  assert.equal(config.feature.network.outgoing.tcp, true);
  assert.equal(config.feature.network.outgoing.udp, true);
  assert.equal(config.feature.network.dns.enabled, true);
  assert.equal(config.agent.ttl, 1);
  assert.equal(config.agent.startup_timeout, 60);
  assert.equal(config.agent.image_pull_policy, "IfNotPresent");
  assert.equal(config.internal_proxy.idle_timeout, 5);
  assert.equal(config.internal_proxy.start_idle_timeout, 60);
  assert.deepEqual(config.startup_retry, { min_ms: 500, max_ms: 5000, max_retries: 2 });
  assert.deepEqual(config.feature.env.unset, ["AWS_PROFILE"]);
  assert.deepEqual(warnings, []);
});

Deno.test("loadConfig() renders the templated example with and without TARGET", async () => {
  const fallback = await loadConfigText(TEMPLATED);
  assert.deepEqual(fallback.config.target.path, { pod: "fallback", container: null });
  const fromEnv = await loadConfigText(TEMPLATED, {
    env: { TARGET: "deployment/api/container/main" },
  });
  assert.deepEqual(fromEnv.config.target.path, { deployment: "api", container: "main" });
});

Deno.test("loadConfig() resolves the complete example field by field", async () => {
  const { config, warnings } = await loadConfigText(COMPLETE, {
    overrides: { MIRRORD_KEY: "sess-1" },
    env: { HOME: "/home/bear", TMPDIR: "/tmp" },
  });
  assert.equal(config.accept_invalid_certificates, false);
  assert.deepEqual(config.skip_processes, ["ide-debugger"]);
  assert.deepEqual(config.target, {
    path: { pod: "bear-pod", container: null },
    namespace: "default",
  });
  assert.equal(config.connect_tcp, null);
  assert.deepEqual(config.agent.labels, { user: "meow" });
  assert.equal(config.agent.image, "ghcr.io/metalbear-co/mirrord:latest");
  assert.deepEqual(config.agent.image_pull_secrets, [{ name: "secret" }]);
  assert.equal(config.agent.ttl, 30);
  assert.equal(config.agent.communication_timeout, 30);
  assert.equal(config.agent.startup_timeout, 360);
  assert.equal(config.agent.metrics, "0.0.0.0:9000");
  assert.deepEqual(config.feature.env.include, ["DATABASE_USER", "PUBLIC_ENV"]);
  assert.equal(config.feature.env.override?.LOCAL_BEAR, "panda");
  assert.deepEqual(config.feature.env.mapping, { ".+_TIMEOUT": "1000" });
  assert.equal(config.feature.fs.mode, "write");
  assert.deepEqual(config.feature.fs.read_write, [".+\\.json"]);
  assert.deepEqual(config.feature.fs.local, [".+\\.js", ".+\\.mjs"]);
  assert.equal(config.feature.fs.mapping?.["^/home/bear/\\.aws(/.*)?"], "/tmp/.aws$1");
  const incoming = config.feature.network.incoming;
  assert.equal(incoming.mode, "steal");
  assert.equal(incoming.http_filter.header_filter, "^baggage: .*mirrord-session=sess-1.*$");
  assert.deepEqual(incoming.port_mapping, [[7777, 8888]]);
  assert.deepEqual(incoming.ignore_ports, [9999, 10000]);
  assert.deepEqual(config.feature.network.outgoing.unix_streams, ["bear.+"]);
  assert.deepEqual(config.feature.network.dns.filter, {
    local: ["1.1.1.0/24:1337", "1.1.5.0/24", "google.com"],
  });
  assert.deepEqual(config.feature.copy_target, {
    enabled: true,
    scale_down: false,
    exclude_containers: [],
    exclude_init_containers: [],
  });
  assert.equal(config.operator, true);
  assert.equal(config.kubeconfig, "~/.kube/config");
  assert.deepEqual(config.sip_binaries, ["bash"]);
  assert.equal(config.kube_context, "my-cluster");
  assert.deepEqual(config.key, { Provided: "sess-1" });
  assert.deepEqual(warnings, []);
});

import assert from "node:assert/strict";
import { defaultResolvedConfig } from "../../schema/mod.ts";
import { agentJobManifest } from "./agent_job.ts";
import { agentArgs, agentEnv, agentName, agentParams } from "./agent_params.ts";
import { ephemeralAgentContainer } from "./ephemeral.ts";
import type { RuntimeData } from "./target.ts";

const runtime: RuntimeData = {
  podName: "api-1",
  namespace: "shop",
  nodeName: "node-a",
  podIPs: ["10.1.0.5"],
  containerName: "app",
  containerId: "abc123",
  containerRuntime: "containerd",
  shareProcessNamespace: false,
  meshVendor: null,
  containerSpec: { name: "app", env: [{ name: "ONLY_IN_POD", value: "1" }] },
  guessWarning: null,
};

Deno.test("agentName() and agentParams() pick mirrord's ranges", () => {
  assert.match(agentName(), /^mirrord-agent-[a-z0-9]{10}$/);
  const config = defaultResolvedConfig();
  for (let i = 0; i < 50; i++) {
    const params = agentParams(config);
    assert.ok(params.port >= 30000 && params.port <= 65535);
    assert.ok(params.gid >= 3000 && params.gid <= 65534);
  }
});

Deno.test("agentArgs() gives the port, timeout and mode", () => {
  const config = defaultResolvedConfig();
  config.agent.communication_timeout = 45;
  const params = { ...agentParams(config), port: 40000 };
  assert.deepEqual(agentArgs(params, { kind: "targetless" }), [
    "-l",
    "40000",
    "-t",
    "45",
    "targetless",
  ]);
  assert.deepEqual(agentArgs(params, { kind: "targeted", runtime }).slice(4), [
    "targeted",
    "--container-id",
    "abc123",
    "--container-runtime",
    "containerd",
  ]);
});

Deno.test("agentEnv() carries the log level, pod IPs and only the optional settings given", () => {
  const config = defaultResolvedConfig();
  config.agent.log_level = "debug";
  const env = Object.fromEntries(agentEnv(config, runtime).map((e) => [e.name, e.value]));
  assert.equal(env.RUST_LOG, "debug");
  assert.equal(env.MIRRORD_AGENT_POD_IPS, "10.1.0.5");
  assert.equal(env.MIRRORD_AGENT_STEALER_FLUSH_CONNECTIONS, "true");
  assert.equal(env.MIRRORD_AGENT_NFTABLES, undefined);
  assert.equal(env.MIRRORD_AGENT_IN_SERVICE_MESH, undefined);
});

Deno.test("agentJobManifest() builds the targeted Job on the target's node with host access", () => {
  const config = defaultResolvedConfig();
  config.agent.ttl = 5;
  config.agent.disabled_capabilities = ["SYS_PTRACE"];
  config.agent.labels = { team: "a" };
  config.agent.service_account = "agent-sa";
  const params = agentParams(config);
  const job = agentJobManifest(config, params, {
    runtime,
    placement: { hostnameLabel: "node-a-host", nodeName: "node-a" },
  });
  assert.equal(job.kind, "Job");
  assert.equal(job.metadata.name, params.name);
  assert.deepEqual(job.metadata.labels, {
    team: "a",
    app: "mirrord",
    "kuma.io/sidecar-injection": "disabled",
  });
  assert.equal(job.spec.ttlSecondsAfterFinished, 5);
  assert.equal(job.spec.backoffLimit, 0);
  const pod = job.spec.template.spec;
  assert.equal(pod.hostPID, true);
  assert.equal(pod.serviceAccountName, "agent-sa");
  assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
  assert.deepEqual(pod.nodeSelector, { "kubernetes.io/hostname": "node-a-host" });
  assert.deepEqual(pod.volumes.map((v: { hostPath: { path: string } }) => v.hostPath.path), [
    "/run",
    "/var",
  ]);
  const container = pod.containers[0];
  assert.equal(container.name, "mirrord-agent");
  assert.deepEqual(container.command, ["./mirrord-agent"]);
  assert.deepEqual(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath), [
    "/host/run",
    "/host/var",
  ]);
  assert.deepEqual(container.securityContext.capabilities.add, ["SYS_ADMIN", "NET_ADMIN"]);
  assert.equal(container.securityContext.runAsGroup, params.gid);
  assert.equal(container.args.at(-4), "--container-id");
});

Deno.test("agentJobManifest() builds a plain targetless Job", () => {
  const config = defaultResolvedConfig();
  const job = agentJobManifest(config, agentParams(config), null);
  const pod = job.spec.template.spec;
  assert.equal(pod.hostPID, undefined);
  assert.equal(pod.volumes, undefined);
  assert.equal(pod.tolerations, undefined);
  assert.equal(pod.containers[0].args.at(-1), "targetless");
  assert.deepEqual(pod.containers[0].resources.limits, { cpu: "1", memory: "100Mi" });
  assert.equal(pod.containers[0].imagePullPolicy, "IfNotPresent");
});

Deno.test("ephemeralAgentContainer() targets the container and copies its env", () => {
  const config = defaultResolvedConfig();
  const params = agentParams(config);
  const container = ephemeralAgentContainer(config, params, runtime);
  assert.equal(container.name, params.name);
  assert.equal(container.targetContainerName, "app");
  assert.equal(container.args.at(-1), "ephemeral");
  assert.ok(container.env.some((e: { name: string }) => e.name === "ONLY_IN_POD"));
  assert.equal(container.securityContext.runAsUser, undefined);
});

import assert from "node:assert/strict";
import { defaultResolvedConfig } from "../../schema/mod.ts";
import { preflight } from "./create_agent.ts";
import {
  AgentStartError,
  describeContainerState,
  judgeAgentPod,
  READY_LINE,
} from "./wait_ready.ts";

// deno-lint-ignore no-explicit-any
function agentPod(phase: string, status: any, podStatus: any = {}): any {
  return {
    metadata: { name: "mirrord-agent-x-1", namespace: "default" },
    status: { phase, containerStatuses: [{ name: "mirrord-agent", ...status }], ...podStatus },
  };
}

Deno.test("judgeAgentPod() fails at once on image pull errors, naming the image", () => {
  const verdict = judgeAgentPod(
    agentPod("Pending", {
      state: { waiting: { reason: "ErrImagePull", message: "no such host ghcr.io" } },
    }),
    "mirrord-agent",
    "ghcr.io/metalbear-co/mirrord:3.250.0",
  );
  assert.ok(verdict instanceof AgentStartError);
  assert.match(
    verdict.message,
    /failed to pull image "ghcr\.io\/metalbear-co\/mirrord:3\.250\.0" \(ErrImagePull: no such host ghcr\.io\)/,
  );
  assert.match(verdict.hint!, /agent\.image/);
});

Deno.test("judgeAgentPod() waits while pending and is ready once running and ready", () => {
  const creating = agentPod("Pending", { state: { waiting: { reason: "ContainerCreating" } } });
  assert.equal(judgeAgentPod(creating, "mirrord-agent", "img"), "wait");
  const running = agentPod("Running", { ready: true, state: { running: {} } });
  assert.equal(judgeAgentPod(running, "mirrord-agent", "img"), "ready");
});

Deno.test("judgeAgentPod() reports a failed pod with the container's exit", () => {
  const failed = agentPod("Failed", {
    state: { terminated: { exitCode: 1, reason: "Error", message: "no target" } },
  });
  const verdict = judgeAgentPod(failed, "mirrord-agent", "img");
  assert.ok(verdict instanceof AgentStartError);
  assert.match(verdict.message, /the pod failed — exit code 1 \(Error: no target\)/);
  assert.match(verdict.hint!, /kubectl logs -n default mirrord-agent-x-1/);
  const done = judgeAgentPod(agentPod("Succeeded", {}), "mirrord-agent", "img");
  assert.match((done as AgentStartError).message, /unexpectedly finished/);
});

Deno.test("describeContainerState() says what the container is doing", () => {
  assert.equal(describeContainerState(undefined), "not found");
  assert.equal(
    describeContainerState({ state: { waiting: { reason: "ContainerCreating" } } }),
    "waiting (ContainerCreating)",
  );
  assert.equal(describeContainerState({ state: { running: {} } }), "running");
});

Deno.test("READY_LINE matches the agent's ready line and captures its version", () => {
  assert.equal(READY_LINE.exec("agent ready - version 3.250.0")?.[2], "3.250.0");
  assert.ok(READY_LINE.test("agent ready"));
  assert.equal(READY_LINE.test("agent starting"), false);
});

Deno.test("preflight() rejects operator-only targets and explains deployment targeting", () => {
  const config = defaultResolvedConfig();
  config.target.path = { stateful_set: "db", container: null };
  assert.throws(() => preflight(config), /statefulset targets require the mirrord operator/);
  config.target.path = { deployment: "api", container: null };
  assert.match(preflight(config)[0], /impersonates the first pod/);
  config.target.path = undefined;
  config.agent.ephemeral = true;
  assert.throws(() => preflight(config), /Cannot run an ephemeral agent without a target/);
});

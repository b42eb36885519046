import assert from "node:assert/strict";
import { podProblem, runtimeDataOf, TargetError } from "./target.ts";

// deno-lint-ignore no-explicit-any
function pod(overrides: { containers?: string[]; annotations?: any; status?: any } = {}): any {
  const containers = overrides.containers ?? ["app"];
  return {
    metadata: { name: "api-1", namespace: "shop", annotations: overrides.annotations },
    spec: {
      nodeName: "node-a",
      containers: containers.map((name) => ({ name, env: [{ name: "X", value: name }] })),
    },
    status: {
      phase: "Running",
      podIP: "10.1.0.5",
      podIPs: [{ ip: "10.1.0.5" }, { ip: "fd00::5" }],
      containerStatuses: containers.map((name, i) => ({
        name,
        ready: true,
        containerID: `containerd://id-${i}-${name}`,
      })),
      ...overrides.status,
    },
  };
}

Deno.test("runtimeDataOf() reads node, IPs, container id and runtime", () => {
  const data = runtimeDataOf(pod(), null);
  assert.equal(data.podName, "api-1");
  assert.equal(data.namespace, "shop");
  assert.equal(data.nodeName, "node-a");
  assert.deepEqual(data.podIPs, ["10.1.0.5", "fd00::5"]);
  assert.equal(data.containerName, "app");
  assert.equal(data.containerId, "id-0-app");
  assert.equal(data.containerRuntime, "containerd");
  assert.equal(data.guessWarning, null);
});

Deno.test("runtimeDataOf() skips mesh sidecars and warns when it had to guess", () => {
  const data = runtimeDataOf(pod({ containers: ["istio-proxy", "web", "worker"] }), null);
  assert.equal(data.containerName, "web");
  assert.equal(data.meshVendor, "istio");
  assert.match(data.guessWarning!, /has 3 containers; mirrord targets "web".*\/container\/<name>/);
});

Deno.test("runtimeDataOf() honours /container/<name> and the default-container annotation", () => {
  assert.equal(runtimeDataOf(pod({ containers: ["a", "b"] }), "b").containerName, "b");
  const annotated = pod({
    containers: ["a", "b"],
    annotations: { "kubectl.kubernetes.io/default-container": "b" },
  });
  const data = runtimeDataOf(annotated, null);
  assert.equal(data.containerName, "b");
  assert.equal(data.guessWarning, null);
});

Deno.test("runtimeDataOf() names the containers when the chosen one does not exist", () => {
  assert.throws(
    () => runtimeDataOf(pod({ containers: ["a", "b"] }), "c"),
    (error: TargetError) => {
      assert.match(
        error.message,
        /Cannot target container "c" of pod "api-1": the pod has no such/,
      );
      assert.match(error.hint!, /its containers are a, b/);
      return true;
    },
  );
});

Deno.test("runtimeDataOf() rejects a container that is not ready or on an unknown runtime", () => {
  const notReady = pod();
  notReady.status.containerStatuses[0].ready = false;
  assert.throws(() => runtimeDataOf(notReady, null), /it is not ready/);
  const odd = pod();
  odd.status.containerStatuses[0].containerID = "rkt://abc";
  assert.throws(() => runtimeDataOf(odd, null), /its runtime "rkt" is not supported/);
});

Deno.test("podProblem() says why a pod cannot be targeted", () => {
  assert.equal(podProblem(pod()), null);
  assert.equal(podProblem(pod({ status: { phase: "Pending" } })), "it is Pending");
  const deleting = pod();
  deleting.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
  assert.equal(podProblem(deleting), "it is being deleted");
});

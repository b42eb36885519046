import assert from "node:assert/strict";
import { clusterIptablesLines, parseMountinfo, splitRule } from "./host_traces.ts";

Deno.test("parseMountinfo() reads mount points and types, unescaping spaces", () => {
  const text = "36 25 0:32 / /run/netns/cni-1 rw - nsfs nsfs rw\n" +
    "40 25 0:33 / /tmp/a\\040b rw,relatime shared:1 - tmpfs tmpfs rw\n";
  assert.deepEqual(parseMountinfo(text), [
    { path: "/run/netns/cni-1", fsType: "nsfs" },
    { path: "/tmp/a b", fsType: "tmpfs" },
  ]);
});

Deno.test("clusterIptablesLines() keeps Kubernetes and CNI chains and the jumps into them", () => {
  const listing = [
    "-P PREROUTING ACCEPT",
    "-N KUBE-SERVICES",
    "-N CNI-abc",
    "-N DOCKER",
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    "-A POSTROUTING -s 10.244.0.5/32 -j CNI-abc",
    "-A POSTROUTING -o eth0 -j MASQUERADE",
    "-A KUBE-SERVICES -j RETURN",
    "-A DOCKER -j RETURN",
  ].join("\n");
  assert.deepEqual(clusterIptablesLines(listing), [
    "-N KUBE-SERVICES",
    "-N CNI-abc",
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    "-A POSTROUTING -s 10.244.0.5/32 -j CNI-abc",
    "-A KUBE-SERVICES -j RETURN",
  ]);
});

Deno.test("splitRule() keeps quoted comments as one argument", () => {
  assert.deepEqual(
    splitRule('PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'),
    [
      "PREROUTING",
      "-m",
      "comment",
      "--comment",
      "kubernetes service portals",
      "-j",
      "KUBE-SERVICES",
    ],
  );
});

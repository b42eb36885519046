import { deepEqual, equal } from "node:assert/strict";
import { chainIdentifier, chainNames, leftoverRules } from "./redirect_chains.ts";

Deno.test("chainNames() uses mirrord's names with the first 20 characters of the container id", () => {
  const id = chainIdentifier("0123456789abcdef0123456789");
  equal(id, "0123456789abcdef0123");
  deepEqual(chainNames(id), {
    prerouting: "MRDIN_0123456789abcdef0123",
    meshOutput: "MRDOUT_0123456789abcdef0123",
    standardOutput: "MRDSTD_0123456789abcdef0123",
    meshExclusion: "MRDMSH_0123456789abcdef0123",
  });
});

Deno.test("leftoverRules() finds our chains and legacy ones, not other targets'", () => {
  const listing = [
    "-P PREROUTING ACCEPT",
    "-N MRDIN_abc",
    "-N MRDIN_other",
    "-A PREROUTING -j MRDIN_abc",
    "-A PREROUTING -j MRDIN_other",
    "-A OUTPUT -j MIRRORD_OUTPUT",
    "-A KUBE -j RETURN",
  ].join("\n");
  deepEqual(leftoverRules(listing, "abc"), [
    "-N MRDIN_abc",
    "-A PREROUTING -j MRDIN_abc",
    "-A OUTPUT -j MIRRORD_OUTPUT",
  ]);
});

import { deepEqual, equal, throws } from "node:assert/strict";
import { ArgsError, parseAgentArgs } from "./args.ts";

Deno.test("parseAgentArgs() applies mirrord-agent's defaults", () => {
  const args = parseAgentArgs(["targetless"], {});
  equal(args.communicatePort, 61337);
  equal(args.communicationTimeoutSecs, 30);
  deepEqual(args.mode, { kind: "targetless" });
});

Deno.test("parseAgentArgs() reads short, long and = forms and the targeted mode", () => {
  const args = parseAgentArgs(
    ["-l", "4000", "--communication-timeout=5", "targeted", "-c", "abc", "-r", "cri-o"],
    {},
  );
  equal(args.communicatePort, 4000);
  equal(args.communicationTimeoutSecs, 5);
  deepEqual(args.mode, { kind: "targeted", containerId: "abc", runtime: "cri-o" });
  deepEqual(
    parseAgentArgs(["targeted", "--container-id", "12", "--container-runtime", "pid"], {}).mode,
    { kind: "targeted", containerId: "12", runtime: "pid" },
  );
  equal(
    (parseAgentArgs(["targeted", "--container-id", "x"], {}).mode as { runtime: string }).runtime,
    "containerd",
  );
});

Deno.test("parseAgentArgs() takes boolean options from the environment", () => {
  const args = parseAgentArgs(["ephemeral"], {
    MIRRORD_AGENT_CLEAN_IPTABLES_ON_START: "true",
    MIRRORD_AGENT_IN_SERVICE_MESH: "false",
  });
  equal(args.cleanIptablesOnStart, true);
  equal(args.isMesh, false);
});

Deno.test("parseAgentArgs() rejects bad input with a clear ArgsError", () => {
  const cases: [string[], RegExp][] = [
    [[], /a mode is required/],
    [["-l", "70000", "targetless"], /not a number from 0 to 65535/],
    [["targeted"], /--container-id is required/],
    [["targeted", "-c", "x", "-r", "podman"], /"podman" is not one of/],
    [["targeted", "-c", "abc", "-r", "pid"], /is not a PID/],
    [["--bogus", "targetless"], /unknown argument "--bogus"/],
    [["targetless", "extra"], /unexpected "extra"/],
    [["-l"], /needs a value/],
  ];
  for (const [argv, message] of cases) {
    throws(
      () => parseAgentArgs(argv, {}),
      (e) => e instanceof ArgsError && message.test(e.message),
    );
  }
});

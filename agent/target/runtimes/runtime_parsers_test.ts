import { deepEqual, equal, throws } from "node:assert/strict";
import { parseDockerInspect } from "./docker.ts";
import { parseContainerInfoEnv, parseTaskList } from "./containerd.ts";
import { parseCrictlInspect } from "./crio.ts";
import { RuntimeLookupError } from "./runtime_socket.ts";

Deno.test("parseDockerInspect() reads State.Pid and Config.Env", () => {
  const body = JSON.stringify({ State: { Pid: 42 }, Config: { Env: ["A=1", "B=x=y"] } });
  deepEqual(parseDockerInspect(body, "c"), { pid: 42, env: { A: "1", B: "x=y" } });
  throws(
    () => parseDockerInspect(JSON.stringify({ State: { Pid: 0 } }), "c"),
    RuntimeLookupError,
  );
});

Deno.test("parseTaskList() finds a running task's PID in ctr's table", () => {
  const table = "TASK      PID     STATUS\nabc       1234    RUNNING\ndead      0       STOPPED\n";
  equal(parseTaskList(table, "abc"), 1234);
  throws(() => parseTaskList(table, "dead"), /STOPPED/);
  throws(() => parseTaskList(table, "none"), /no task "none"/);
});

Deno.test("parseContainerInfoEnv() reads the OCI spec env", () => {
  deepEqual(parseContainerInfoEnv(JSON.stringify({ Spec: { process: { env: ["X=1"] } } })), {
    X: "1",
  });
});

Deno.test("parseCrictlInspect() reads info.pid or the nested info.info JSON", () => {
  equal(parseCrictlInspect(JSON.stringify({ info: { pid: 7 } }), "c").pid, 7);
  const nested = { info: { info: JSON.stringify({ pid: 9 }) } };
  equal(parseCrictlInspect(JSON.stringify(nested), "c").pid, 9);
  throws(() => parseCrictlInspect("{}", "c"), RuntimeLookupError);
});

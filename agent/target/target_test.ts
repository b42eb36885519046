import { deepEqual, equal, rejects } from "node:assert/strict";
import { parseEnviron, targetFromPid } from "./target.ts";
import { findPidByCgroup } from "./ephemeral.ts";

Deno.test("parseEnviron() splits NUL-separated K=V entries", () => {
  deepEqual(parseEnviron(new TextEncoder().encode("A=1\0B=a=b\0junk\0\0")), { A: "1", B: "a=b" });
});

Deno.test("targetFromPid() lets the process env override the runtime env", async () => {
  const target = await targetFromPid(Deno.pid, { FROM_RUNTIME: "r", HOME: "runtime" }, "self");
  equal(target.root, `/proc/${Deno.pid}/root`);
  equal(target.env.FROM_RUNTIME, "r");
  equal(target.env.HOME, Deno.env.get("HOME"));
  await rejects(targetFromPid(2 ** 30, {}, "gone"), /Cannot read the environment/);
});

Deno.test("findPidByCgroup() finds the process whose cgroup names the container", async () => {
  const proc = await Deno.makeTempDir({ prefix: "fake_proc_" });
  for (const [pid, cgroup] of [["7", "0::/kubepods/abc123"], ["3", "0::/other"]]) {
    await Deno.mkdir(`${proc}/${pid}`);
    await Deno.writeTextFile(`${proc}/${pid}/cgroup`, cgroup);
  }
  equal(await findPidByCgroup("abc123", proc), 7);
  equal(await findPidByCgroup("zzz", proc), 1);
  await Deno.remove(proc, { recursive: true });
});

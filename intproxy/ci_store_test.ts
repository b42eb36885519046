import assert from "node:assert/strict";
import { recordIntproxyPid } from "./ci_store.ts";

Deno.test("recordIntproxyPid() creates the CI store and appends to intproxy_pids", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/mirrord/mirrord-for-ci.json`;
  try {
    await recordIntproxyPid(11, path);
    await recordIntproxyPid(12, path);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
      intproxy_pids: [11, 12],
      extproxy_pids: [],
      sidecar_pids: [],
      user_pids: [],
      sidecar_containers: [],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { defaultResolvedConfig } from "../../schema/mod.ts";
import { applyAutoMount, autoMountPatterns } from "./auto_mount.ts";
import type { RuntimeData } from "./target.ts";

function runtimeWithMounts(paths: string[]): RuntimeData {
  return {
    podName: "p",
    namespace: "n",
    nodeName: "node",
    podIPs: [],
    containerName: "c",
    containerId: "id",
    containerRuntime: "containerd",
    shareProcessNamespace: false,
    meshVendor: null,
    containerSpec: { name: "c", volumeMounts: paths.map((mountPath) => ({ mountPath })) },
    guessWarning: null,
  };
}

Deno.test("autoMountPatterns() anchors each mount path and escapes regex characters", () => {
  assert.deepEqual(autoMountPatterns(runtimeWithMounts(["/etc/app.d/", "/data"])), [
    "^/etc/app\\.d(/|$)",
    "^/data(/|$)",
  ]);
  const pattern = new RegExp(autoMountPatterns(runtimeWithMounts(["/etc/app.d"]))[0]);
  assert.ok(pattern.test("/etc/app.d/config.yaml"));
  assert.ok(!pattern.test("/etc/appxd/config.yaml"));
});

Deno.test("applyAutoMount() adds the mounts to fs.read_only unless auto_mount is off", () => {
  const config = defaultResolvedConfig();
  config.feature.fs.read_only = ["^/mine"];
  applyAutoMount(config, runtimeWithMounts(["/etc/cfg"]));
  assert.deepEqual(config.feature.fs.read_only, ["^/mine", "^/etc/cfg(/|$)"]);
  const off = defaultResolvedConfig();
  off.feature.magic.auto_mount = false;
  applyAutoMount(off, runtimeWithMounts(["/etc/cfg"]));
  assert.equal(off.feature.fs.read_only, null);
});

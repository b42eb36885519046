import assert from "node:assert/strict";
import { childEnvironment, withoutProxyVars } from "./child_env.ts";

const handOff = { resolvedConfig: "e30=", intproxyAddress: "127.0.0.1:9", layerPath: "/l.so" };

Deno.test("childEnvironment() lets remote vars win and adds the layer's hand-off variables", () => {
  const env = childEnvironment({ PATH: "/bin", APP: "local" }, { APP: "remote" }, handOff, null);
  assert.deepEqual(env, {
    PATH: "/bin",
    APP: "remote",
    MIRRORD_RESOLVED_CONFIG: "e30=",
    MIRRORD_LAYER_INTPROXY_ADDR: "127.0.0.1:9",
    LD_PRELOAD: "/l.so",
    MIRRORD_PROGRESS_MODE: "off",
  });
});

Deno.test("childEnvironment() appends to an existing LD_PRELOAD and removes unset names exactly", () => {
  const env = childEnvironment({ LD_PRELOAD: "/a.so", X: "1", x: "2" }, {}, handOff, ["X"]);
  assert.equal(env.LD_PRELOAD, "/a.so:/l.so");
  assert.equal(env.X, undefined);
  assert.equal(env.x, "2");
});

Deno.test("withoutProxyVars() blanks every http(s)_proxy spelling", () => {
  assert.deepEqual(withoutProxyVars({ HTTP_PROXY: "a", https_proxy: "b", NO_PROXY: "c" }), {
    HTTP_PROXY: "",
    https_proxy: "",
    NO_PROXY: "c",
  });
});

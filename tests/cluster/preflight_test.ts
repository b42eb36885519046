import assert from "node:assert/strict";
import { PORTS } from "./layout.ts";
import { checkPortsFree, portsTaken } from "./preflight.ts";

Deno.test("checkPortsFree() names a cluster port another process listens on", () => {
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname: "127.0.0.1", port: PORTS.etcdPeer });
  } catch {
    // Taken already (a cluster runs here): the check must see it too.
    assert.ok(portsTaken().includes(PORTS.etcdPeer));
    return;
  }
  try {
    assert.ok(portsTaken().includes(PORTS.etcdPeer));
    assert.throws(checkPortsFree, /port.* 2380.* already in use .*cluster down/);
  } finally {
    listener.close();
  }
});

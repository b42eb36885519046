/** getifaddrs with experimental.hide_ipv6_interfaces. */
import assert from "node:assert/strict";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";
import { driverLines } from "./fixture/unit_driver.ts";

const hasIpv6 = (() => {
  try {
    return Deno.readTextFileSync("/proc/net/if_inet6").trim() !== "";
  } catch {
    return false;
  }
})();

const hideIpv6 = (hide: boolean) =>
  resolvedConfig({}, { experimental: { hide_ipv6_interfaces: hide } });

Deno.test({
  name: "getifaddrs() leaves out IPv6 entries with hide_ipv6_interfaces, and lists them without",
  ignore: !hasIpv6,
  fn: () =>
    withPeer({}, async (peer) => {
      // Other tests add and remove interfaces meanwhile: compare kinds, not whole lists.
      const all = await runApp(peer, "interfaces", ["list"], { config: hideIpv6(false) });
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, /^lo inet6$/m);
      for (const mode of ["direct", "threads"] as const) {
        const hidden = await runApp(peer, "interfaces", ["list"], { config: hideIpv6(true), mode });
        assert.equal(hidden.code, 0, hidden.stderr);
        assert.doesNotMatch(hidden.stdout, / inet6$/m);
        assert.match(hidden.stdout, /^lo inet$/m);
        assert.match(hidden.stdout, /^lo other$/m, "link-level entries stay");
      }
    }),
});

Deno.test("ifaddrs_drop_ipv6() keeps order and the first entry in place, and frees an empty list", async () => {
  const cases: [string, string[]][] = [
    ["6,4,6,4,4,6", ["1", "3", "4"]],
    ["0,6,4", ["0", "2"]],
    ["4,4", ["0", "1"]],
  ];
  for (const [families, kept] of cases) {
    assert.deepEqual(await driverLines(["ifaddrs", families]), [
      { kept, head_in_place: true, freed: false },
    ]);
  }
  assert.deepEqual(await driverLines(["ifaddrs", "6,6"]), [
    { kept: [], head_in_place: false, freed: true },
  ]);
});

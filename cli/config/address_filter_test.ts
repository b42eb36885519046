import assert from "node:assert/strict";
import { AddressFilterError, parseAddressFilter } from "./address_filter.ts";

Deno.test("parseAddressFilter() reads protocol, subnet and port", () => {
  assert.deepEqual(parseAddressFilter("tcp://1.1.1.0/24:1337"), {
    protocol: "tcp",
    address: { kind: "subnet", ip: "1.1.1.0", prefix: 24 },
    port: 1337,
  });
});

Deno.test("parseAddressFilter() reads names, bare ports, IPv6 in brackets", () => {
  assert.deepEqual(parseAddressFilter("db.svc:5432").address, { kind: "name", name: "db.svc" });
  assert.deepEqual(parseAddressFilter(":53"), {
    protocol: null,
    address: { kind: "any" },
    port: 53,
  });
  assert.deepEqual(parseAddressFilter("udp://[::1]:53").address, { kind: "ip", ip: "::1" });
  assert.deepEqual(parseAddressFilter("[fd00::]/8").address, {
    kind: "subnet",
    ip: "fd00::",
    prefix: 8,
  });
  assert.equal(parseAddressFilter("2.2.2.2").port, null);
});

const BAD: [string, RegExp, boolean?][] = [
  ["", /is empty/],
  ["http://x", /protocol "http"/],
  ["1.1.1.1/33", /subnet mask/],
  ["name/8", /not an IP address/],
  ["::1", /without brackets/],
  ["a b", /not a host name/],
  ["host:70000", /invalid port/],
  ["tcp://host", /DNS filters/, false],
];

for (const [entry, reason, allowProtocol] of BAD) {
  Deno.test(`parseAddressFilter() rejects ${JSON.stringify(entry)}`, () => {
    assert.throws(
      () => parseAddressFilter(entry, allowProtocol ?? true),
      (e) => e instanceof AddressFilterError && reason.test(e.message),
    );
  });
}

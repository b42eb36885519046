/** Outgoing and DNS filter entries (src/net_filter.c). */
import assert from "node:assert/strict";
import { driverLines } from "./fixture/unit_driver.ts";

async function outgoing(
  entry: string,
  ip: string,
  port: number,
  proto: "tcp" | "udp",
): Promise<{ match?: boolean; host?: string | null; error?: string }> {
  return (await driverLines(["filter", entry, ip, String(port), proto]))[0] as { match?: boolean };
}

Deno.test("nf_matches_addr() follows [tcp://|udp://][ip|cidr][:port] with port 0 meaning any", async () => {
  const cases: Array<[string, string, number, "tcp" | "udp", boolean]> = [
    ["tcp://1.1.1.0/24:1111", "1.1.1.7", 1111, "tcp", true],
    ["tcp://1.1.1.0/24:1111", "1.1.1.7", 1111, "udp", false],
    ["tcp://1.1.1.0/24:1111", "1.1.2.7", 1111, "tcp", false],
    ["tcp://1.1.1.0/24:1111", "1.1.1.7", 80, "tcp", false],
    ["2.2.2.2:2222", "2.2.2.2", 2222, "udp", true],
    ["2.2.2.2", "2.2.2.2", 9, "tcp", true],
    [":3333", "9.9.9.9", 3333, "tcp", true],
    [":3333", "9.9.9.9", 3334, "tcp", false],
    ["0.0.0.0", "4.4.4.4", 1, "udp", true],
    ["udp://0.0.0.0:53", "4.4.4.4", 53, "udp", true],
    ["udp://0.0.0.0:53", "4.4.4.4", 53, "tcp", false],
    ["10.0.0.0/8", "10.200.1.1", 5, "tcp", true],
    ["10.0.0.0/9", "10.200.1.1", 5, "tcp", false],
    ["[fd00::]:443", "fd00::", 443, "tcp", true],
    ["[fd00::/16]:443", "fd00::1", 443, "tcp", true],
    ["fd00::/16", "fd01::1", 1, "tcp", false],
    ["10.0.0.1", "::ffff:10.0.0.1", 1, "tcp", true],
  ];
  for (const [entry, ip, port, proto, expected] of cases) {
    assert.equal(
      (await outgoing(entry, ip, port, proto)).match,
      expected,
      `${entry} vs ${proto} ${ip}:${port}`,
    );
  }
});

Deno.test("nf_parse() keeps host names for resolution and rejects malformed entries", async () => {
  assert.equal(
    (await outgoing("tcp://api.internal:80", "1.1.1.1", 80, "tcp")).host,
    "api.internal",
  );
  for (const bad of ["1.1.1.1:99999", "1.1.1.1/33", "[::1", "a b", "host/8", "1.1.1.1:x"]) {
    assert.match(
      (await outgoing(bad, "1.1.1.1", 1, "tcp")).error ?? "",
      /is not a valid filter entry/,
      bad,
    );
  }
});

Deno.test("nf_matches_lookup() matches DNS filter entries by name, address and port", async () => {
  const dns = async (entry: string, node: string, port: number) =>
    ((await driverLines(["filter-dns", entry, node, String(port)]))[0] as { match: boolean }).match;
  assert.equal(await dns("svc.local", "SVC.local", 0), true);
  assert.equal(await dns("svc.local:5432", "svc.local", 80), false);
  assert.equal(await dns("svc.local:5432", "svc.local", 5432), true);
  assert.equal(await dns("10.0.0.0/8", "10.1.2.3", 0), true);
  assert.equal(await dns("10.0.0.0/8", "other.local", 0), false);
  assert.equal(await dns(":53", "anything", 53), true);
});

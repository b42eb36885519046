import { deepEqual, equal } from "node:assert/strict";
import { candidateNames, parseHosts, parseResolvConf } from "./dns_config.ts";
import { reverseName } from "./dns.ts";

Deno.test("parseResolvConf() reads servers, search list and options", () => {
  const config = parseResolvConf(
    "# k8s\nnameserver 10.96.0.10\nnameserver fe80::1%eth0\nsearch ns.svc.cluster.local svc.cluster.local\noptions ndots:5 timeout:2 attempts:3\n",
  );
  deepEqual(config.nameServers, ["10.96.0.10", "fe80::1"]);
  deepEqual(config.search, ["ns.svc.cluster.local", "svc.cluster.local"]);
  equal(config.ndots, 5);
  equal(config.timeoutSecs, 2);
  equal(config.attempts, 3);
});

Deno.test("parseHosts() skips comments and lowercases names", () => {
  deepEqual(parseHosts("127.0.0.1 localhost # loop\n\n10.0.0.2 Pod-A pod-a.local\n"), [
    { ip: "127.0.0.1", names: ["localhost"] },
    { ip: "10.0.0.2", names: ["pod-a", "pod-a.local"] },
  ]);
});

Deno.test("candidateNames() tries the search list first below ndots", () => {
  const config = parseResolvConf("search a.local b.local\noptions ndots:2\n");
  deepEqual(candidateNames("svc", config), ["svc.a.local", "svc.b.local", "svc"]);
  deepEqual(candidateNames("x.y.z", config), ["x.y.z", "x.y.z.a.local", "x.y.z.b.local"]);
  deepEqual(candidateNames("abs.", config), ["abs"]);
});

Deno.test("reverseName() builds in-addr.arpa and ip6.arpa names", () => {
  equal(reverseName("10.1.2.3"), "3.2.1.10.in-addr.arpa");
  equal(
    reverseName("2001:db8::1"),
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
  );
});

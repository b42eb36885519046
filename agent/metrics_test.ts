import assert from "node:assert/strict";
import { AgentMetrics, parseMetricsAddress, serveMetrics } from "./metrics.ts";
import { createLogger } from "./log.ts";

Deno.test("parseMetricsAddress() splits IPv4 and bracketed IPv6 addresses", () => {
  assert.deepEqual(parseMetricsAddress("0.0.0.0:9000"), { hostname: "0.0.0.0", port: 9000 });
  assert.deepEqual(parseMetricsAddress("[::1]:9100"), { hostname: "::1", port: 9100 });
});

Deno.test("parseMetricsAddress() refuses an address without a valid port", () => {
  assert.throws(() => parseMetricsAddress("localhost"), /expected <ip>:<port>/);
  assert.throws(() => parseMetricsAddress("1.2.3.4:70000"), /expected <ip>:<port>/);
});

Deno.test("AgentMetrics.render() reads every value when scraped, in Prometheus text format", () => {
  const metrics = new AgentMetrics();
  let clients = 1;
  metrics.gauge("mirrord_agent_client_count", "connected clients", () => clients);
  metrics.counter("mirrord_agent_mirror_flows_total", "copied flows", () => 7);
  clients = 3;
  assert.equal(
    metrics.render(),
    "# HELP mirrord_agent_client_count connected clients\n" +
      "# TYPE mirrord_agent_client_count gauge\n" +
      "mirrord_agent_client_count 3\n" +
      "# HELP mirrord_agent_mirror_flows_total copied flows\n" +
      "# TYPE mirrord_agent_mirror_flows_total counter\n" +
      "mirrord_agent_mirror_flows_total 7\n",
  );
});

Deno.test("serveMetrics() answers GET /metrics and 404 elsewhere", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const metrics = new AgentMetrics();
  metrics.gauge("mirrord_agent_client_count", "connected clients", () => 2);
  const server = serveMetrics(`127.0.0.1:${port}`, metrics, createLogger({}, () => {}));
  try {
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /^mirrord_agent_client_count 2$/m);
    const missing = await fetch(`http://127.0.0.1:${port}/other`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await server.shutdown();
  }
});

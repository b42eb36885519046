import assert from "node:assert/strict";
import { agentTarget, AgentUnreachableError, connectToAgent } from "./agent_connect_info.ts";
import { parseHostPort } from "./agent_conn.ts";

Deno.test("parseHostPort() reads IPv4, bracketed IPv6 and host names", () => {
  assert.deepEqual(parseHostPort("10.0.0.1:61337"), { hostname: "10.0.0.1", port: 61337 });
  assert.deepEqual(parseHostPort("[::1]:80"), { hostname: "::1", port: 80 });
  assert.deepEqual(parseHostPort("agent.local:1"), { hostname: "agent.local", port: 1 });
  assert.throws(() => parseHostPort("::1:80"), TypeError);
  assert.throws(() => parseHostPort("10.0.0.1:70000"), TypeError);
});

Deno.test("agentTarget() prefers connect_tcp and reads MIRRORD_AGENT_CONNECT_INFO otherwise", () => {
  assert.deepEqual(agentTarget("127.0.0.1:1", '{"ExternalProxy":{"proxy_addr":"x:2"}}'), {
    kind: "tcp",
    address: "127.0.0.1:1",
    retryDelaysMs: [],
  });
  assert.deepEqual(
    agentTarget(null, '{"ExternalProxy":{"proxy_addr":"1.2.3.4:5","tls_pem":null}}'),
    {
      kind: "tcp",
      address: "1.2.3.4:5",
      retryDelaysMs: [450, 1350, 3000],
    },
  );
  assert.deepEqual(
    agentTarget(null, '{"DirectKubernetes":{"pod_name":"a","pod_namespace":"ns","agent_port":4}}'),
    { kind: "kubernetes", podName: "a", podNamespace: "ns", agentPort: 4 },
  );
});

Deno.test("agentTarget() explains a missing or unreadable agent address", () => {
  assert.throws(
    () => agentTarget(null, undefined),
    /neither connect_tcp nor MIRRORD_AGENT_CONNECT_INFO/,
  );
  assert.throws(() => agentTarget(null, "{"), AgentUnreachableError);
  assert.throws(
    () => agentTarget(null, '{"Operator":{}}'),
    /expected DirectKubernetes or ExternalProxy/,
  );
});

Deno.test("connectToAgent() names the address it could not reach", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await assert.rejects(
    connectToAgent({ kind: "tcp", address: `127.0.0.1:${port}`, retryDelaysMs: [] }),
    new RegExp(`^AgentUnreachableError: Cannot connect to the agent at 127.0.0.1:${port}: `),
  );
});

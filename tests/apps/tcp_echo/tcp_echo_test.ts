import assert from "node:assert/strict";
import { startTcpEcho } from "./tcp_echo.ts";

Deno.test("startTcpEcho() sends back what a client writes", async () => {
  const logs: string[] = [];
  const listener = startTcpEcho(0, (line) => logs.push(line));
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await conn.write(new TextEncoder().encode("ping"));
  await conn.closeWrite();
  const reply = await new Response(conn.readable).text();
  listener.close();
  assert.equal(reply, "ping");
  assert.equal(logs.length, 1);
  assert.match(logs[0], /^\[tcp-echo\] connection from 127\.0\.0\.1:\d+$/);
});

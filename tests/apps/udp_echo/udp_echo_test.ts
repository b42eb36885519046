import assert from "node:assert/strict";
import dgram from "node:dgram";
import { startUdpEcho } from "./udp_echo.ts";

Deno.test("startUdpEcho() sends each datagram back to its sender", async () => {
  const logs: string[] = [];
  const server = await startUdpEcho(0, (line) => logs.push(line));
  const client = dgram.createSocket("udp4");
  const reply = new Promise<string>((resolve) => client.once("message", (m) => resolve(`${m}`)));
  client.send("ping", server.port, "127.0.0.1");
  assert.equal(await reply, "ping");
  client.close();
  server.socket.close();
  assert.equal(logs.length, 1);
  assert.match(logs[0], /^\[udp-echo\] 4 bytes from 127\.0\.0\.1:\d+$/);
});

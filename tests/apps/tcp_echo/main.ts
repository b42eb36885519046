/**
 * Entry point of the TCP echo app: listens on `PORT` (default 7).
 *
 * @module
 */
import { startTcpEcho } from "./tcp_echo.ts";

const listener = startTcpEcho(Number(Deno.env.get("PORT") ?? "7"));
console.log(`[tcp-echo] listening on port ${(listener.addr as Deno.NetAddr).port}`);

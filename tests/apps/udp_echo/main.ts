/**
 * Entry point of the UDP echo app: listens on `PORT` (default 7).
 *
 * @module
 */
import { startUdpEcho } from "./udp_echo.ts";

const { port } = await startUdpEcho(Number(Deno.env.get("PORT") ?? "7"));
console.log(`[udp-echo] listening on port ${port}`);

/**
 * Entry point of the HTTP echo app: listens on `PORT` (default 80).
 *
 * @module
 */
import { startHttpEcho } from "./http_echo.ts";

const port = Number(Deno.env.get("PORT") ?? "80");
const server = startHttpEcho(port);
console.log(`[http-echo] listening on port ${server.addr.port}`);

/**
 * Entry point of the service target app: listens on `PORT` (default 80).
 *
 * @module
 */
import { startServiceTarget } from "./service_target.ts";

const server = startServiceTarget(Number(Deno.env.get("PORT") ?? "80"));
console.log(`[service-target] listening on port ${server.addr.port}`);

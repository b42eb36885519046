/**
 * The service target app: a service that only exists inside the cluster, for the outgoing-traffic
 * and DNS tests. Reached through its Service name it answers who it is and who called it — the
 * caller's address shows whether a connection came from inside the cluster (the target pod)
 * rather than from the user's machine.
 *
 * @module
 */

/** What every request gets back, as JSON. */
export interface ServiceTargetReply {
  /** always "service-target" */
  service: string;
  /** `HOSTNAME` of the serving process (the pod name in a cluster) */
  host: string;
  /** `GREETING` of the serving process, "hello from service-target" when unset */
  greeting: string;
  /** the caller's IP address as this server saw it */
  caller: string;
  path: string;
}

/**
 * Starts the server.
 *
 * @param port TCP port (0 picks a free one)
 * @param log where request lines go
 * @returns the running server
 * @example Serve on 80
 * ```ts
 * const server = startServiceTarget(80);
 * await server.shutdown();
 * ```
 */
export function startServiceTarget(
  port: number,
  log: (line: string) => void = console.log,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ port, hostname: "0.0.0.0", onListen: () => {} }, (request, info) => {
    const path = new URL(request.url).pathname;
    log(`[service-target] ${request.method} ${path} from ${info.remoteAddr.hostname}`);
    const reply: ServiceTargetReply = {
      service: "service-target",
      host: Deno.env.get("HOSTNAME") ?? "",
      greeting: Deno.env.get("GREETING") ?? "hello from service-target",
      caller: info.remoteAddr.hostname,
      path,
    };
    return Response.json(reply);
  });
}

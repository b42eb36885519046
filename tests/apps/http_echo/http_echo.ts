/**
 * The HTTP echo app the e2e tests target: it answers every request with what it received, and
 * also shows what a mirrored process should see of its pod — its environment (`GET /env`) and
 * its files (`GET /files/<absolute path>`). Each request is logged to stdout.
 *
 * @module
 */

/** What the echo route answers, as JSON. */
export interface EchoReply {
  /** `HOSTNAME` of the serving process (the pod name in a cluster) */
  host: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

async function fileReply(path: string): Promise<Response> {
  try {
    const bytes = await Deno.readFile(path);
    return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return new Response(`no such file: ${path}\n`, { status: 404 });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      const names = [];
      for await (const entry of Deno.readDir(path)) names.push(entry.name);
      return Response.json(names.sort());
    }
    return new Response(`cannot read ${path}: ${(error as Error).message}\n`, { status: 500 });
  }
}

/**
 * Answers one request.
 *
 * @param request the incoming request
 * @returns `GET /health` → "ok"; `GET /env` → the environment as a JSON object;
 *   `GET /files/<path>` → that file's bytes (a folder → its sorted entry names as JSON);
 *   anything else → an {@link EchoReply}
 */
export async function handleEchoRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/health") return new Response("ok\n");
  if (request.method === "GET" && url.pathname === "/env") {
    return Response.json(Deno.env.toObject());
  }
  if (request.method === "GET" && url.pathname.startsWith("/files/")) {
    return await fileReply(decodeURIComponent(url.pathname.slice("/files".length)));
  }
  const reply: EchoReply = {
    host: Deno.env.get("HOSTNAME") ?? "",
    method: request.method,
    path: url.pathname,
    query: url.search,
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
  };
  return Response.json(reply);
}

/**
 * Starts the server.
 *
 * @param port TCP port (0 picks a free one)
 * @param log where request lines go
 * @returns the running server
 * @example Serve on 8080
 * ```ts
 * const server = startHttpEcho(8080);
 * await server.shutdown();
 * ```
 */
export function startHttpEcho(
  port: number,
  log: (line: string) => void = console.log,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ port, hostname: "0.0.0.0", onListen: () => {} }, async (request, info) => {
    const url = new URL(request.url);
    log(
      `[http-echo] ${request.method} ${url.pathname}${url.search} from ${info.remoteAddr.hostname}`,
    );
    return await handleEchoRequest(request);
  });
}

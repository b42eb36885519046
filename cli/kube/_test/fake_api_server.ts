/**
 * A stand-in API server for unit tests: HTTPS with the test CA's certificate (`_test/*.crt`),
 * answering with the handler a test gives it.
 *
 * @module
 */
import type { KubeAccess } from "../kubeconfig.ts";

const DIR = new URL("./", import.meta.url).pathname;

/** The test CA certificate (PEM) that signed the server's certificate. */
export const TEST_CA = Deno.readTextFileSync(`${DIR}ca.crt`);

/** What the server saw of a request. */
export interface SeenRequest {
  method: string;
  /** path and query */
  target: string;
  headers: Record<string, string>;
}

/** A running fake API server. */
export interface FakeApiServer {
  url: string;
  /** every request seen, in order (headers lower-cased) */
  requests: SeenRequest[];
  /** access for a client that trusts the test CA */
  access(overrides?: Partial<KubeAccess>): KubeAccess;
  close(): Promise<void>;
}

/**
 * Starts the server.
 *
 * @param handler answers each request
 * @returns the server
 */
export function startFakeApiServer(
  handler: (request: Request) => Response | Promise<Response>,
): FakeApiServer {
  const requests: SeenRequest[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(`${DIR}server.crt`),
    key: Deno.readTextFileSync(`${DIR}server.key`),
    onListen: () => {},
  }, (request) => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      target: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
    });
    return handler(request);
  });
  const url = `https://127.0.0.1:${server.addr.port}`;
  return {
    url,
    requests,
    access: (overrides = {}) => ({
      server: url,
      contextName: "test",
      namespace: "default",
      caPem: TEST_CA,
      insecure: false,
      source: "test",
      ...overrides,
    }),
    close: () => server.shutdown(),
  };
}

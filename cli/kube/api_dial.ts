/**
 * Opening a connection to the API server with the kubeconfig's TLS settings: its CA (or the
 * system roots), the client certificate, `tls-server-name`, and no verification at all when
 * `accept_invalid_certificates` / `insecure-skip-tls-verify` says so. Failures become one
 * {@link ApiUnreachableError} that says what to check.
 *
 * @module
 */
import net from "node:net";
import tls from "node:tls";
import { SocketStream } from "./byte_stream.ts";
import { ApiUnreachableError } from "./kube_errors.ts";

/** TLS material for one connection. */
export interface DialOptions {
  /** API server URL, e.g. `https://127.0.0.1:6443` */
  server: string;
  caPem?: string;
  insecure: boolean;
  tlsServerName?: string;
  clientCert?: { cert: string; key: string };
  /** context name, for messages */
  contextName: string;
  /** give up connecting after this long */
  timeoutMs?: number;
}

/** A parsed API server URL. */
export interface ServerAddress {
  tls: boolean;
  host: string;
  port: number;
  /** path prefix of the API (a proxy may serve it below a path), no trailing slash */
  basePath: string;
  /** value of the Host header */
  hostHeader: string;
}

/**
 * Splits an API server URL.
 *
 * @param server the URL
 * @returns its parts
 * @example
 * ```ts
 * serverAddress("https://10.0.0.1:6443").port; // 6443
 * ```
 */
export function serverAddress(server: string): ServerAddress {
  const url = new URL(server);
  const tls = url.protocol === "https:";
  const port = url.port ? Number(url.port) : tls ? 443 : 80;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    tls,
    host,
    port,
    basePath: url.pathname.replace(/\/+$/, ""),
    hostHeader: url.host,
  };
}

function describeFailure(error: Error & { code?: string }): { state: string; hint: string } {
  const code = error.code ?? "";
  const text = error.message ?? String(error);
  if (code === "ECONNREFUSED" || /refused/i.test(text)) {
    return { state: "connection refused", hint: "is the cluster running?" };
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || /getaddrinfo|dns/i.test(text)) {
    return { state: "its host name does not resolve", hint: "check the server URL" };
  }
  if (code === "ETIMEDOUT" || /timed? ?out/i.test(text)) {
    return { state: "the connection timed out", hint: "check the network path (VPN?)" };
  }
  if (
    /certificate|self[- ]signed|verify|UnknownIssuer|NotValidForName|CERT_|issuer/i.test(
      text + code,
    )
  ) {
    return {
      state: `its certificate is not trusted (${text})`,
      hint: "check certificate-authority in the kubeconfig, or set accept_invalid_certificates " +
        "to true if you trust this server",
    };
  }
  return { state: text, hint: "check the server URL and the network" };
}

/**
 * Connects to the API server.
 *
 * @param options where and how
 * @returns the connected stream
 * @throws {ApiUnreachableError} when it cannot connect or the TLS handshake fails
 */
export async function dialApiServer(options: DialOptions): Promise<SocketStream> {
  const address = serverAddress(options.server);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    let sock: net.Socket;
    const timer = setTimeout(() => {
      sock?.destroy();
      reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    if (address.tls) {
      const servername = options.tlsServerName ??
        (net.isIP(address.host) ? undefined : address.host);
      sock = tls.connect({
        host: address.host,
        port: address.port,
        servername,
        ca: options.caPem,
        cert: options.clientCert?.cert,
        key: options.clientCert?.key,
        rejectUnauthorized: !options.insecure,
        ALPNProtocols: ["http/1.1"],
      }, () => {
        clearTimeout(timer);
        sock.off("error", fail);
        resolve(sock);
      });
    } else {
      sock = net.connect({ host: address.host, port: address.port }, () => {
        clearTimeout(timer);
        sock.off("error", fail);
        resolve(sock);
      });
    }
    sock.once("error", fail);
  }).catch((error: Error) => {
    const { state, hint } = describeFailure(error);
    throw new ApiUnreachableError(
      `Cannot reach the Kubernetes API server ${options.server} (context ` +
        `"${options.contextName}"): ${state}`,
      hint,
      { cause: error },
    );
  });
  socket.setNoDelay(true);
  return new SocketStream(socket);
}

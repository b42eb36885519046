/**
 * The Kubernetes API client: JSON requests, streamed bodies (watches, `follow` logs) and WebSocket
 * upgrades (port-forward), each on its own connection to the API server with the kubeconfig's
 * credentials. Requests answered 429/503/504 are retried as mirrord's `startup_retry` does (twice,
 * 500 ms → 5 s backoff with jitter). Every failure is a {@link KubeError} naming what was tried.
 *
 * @module
 */
import { dialApiServer, type ServerAddress, serverAddress } from "./api_dial.ts";
import type { ByteStream } from "./byte_stream.ts";
import { runExecPlugin } from "./exec_credential.ts";
import { type HttpResponse, sendRequest } from "./http1.ts";
import { type KubeAccess, type KubeconfigOptions, loadKubeAccess } from "./kubeconfig.ts";
import { ApiUnreachableError, KubeApiError, KubeconfigError, statusFrom } from "./kube_errors.ts";
import { webSocketAccept, WebSocketConnection, webSocketKey } from "./websocket.ts";

/** Options of one API call. */
export interface RequestOptions {
  /** what we are doing, for errors: `get pod "x" in namespace "y"` */
  action: string;
  /** JSON body */
  body?: unknown;
  /** content type of the body (default `application/json`) */
  contentType?: string;
  /** next step to suggest per Kubernetes reason, overriding the default hints */
  hints?: Record<string, string>;
}

const RETRY = { minMs: 500, maxMs: 5000, retries: 2 };
const RETRIED_STATUSES = new Set([429, 503, 504]);

/** A client for one context of one cluster. */
export class KubeClient {
  /** how the client reaches the cluster */
  readonly access: KubeAccess;
  readonly #address: ServerAddress;
  readonly #env: Record<string, string | undefined>;

  /**
   * @param access the context's access description
   * @param env the environment credential plugins run with
   */
  constructor(access: KubeAccess, env: Record<string, string | undefined> = {}) {
    this.access = access;
    this.#address = serverAddress(access.server);
    this.#env = env;
  }

  /**
   * Builds a client from the kubeconfig the options point at.
   *
   * @param options kubeconfig, context, accept_invalid_certificates and the environment
   * @returns the client
   * @throws {KubeconfigError} when the kubeconfig is missing or broken
   */
  static fromKubeconfig(options: KubeconfigOptions): KubeClient {
    return new KubeClient(loadKubeAccess(options), options.env);
  }

  /** The context's default namespace. */
  get namespace(): string {
    return this.access.namespace;
  }

  async #credentials(): Promise<
    { headers: Record<string, string>; clientCert?: { cert: string; key: string } }
  > {
    const access = this.access;
    const headers: Record<string, string> = {};
    let clientCert = access.clientCert;
    let token = access.token;
    if (access.tokenFile) {
      try {
        token = Deno.readTextFileSync(access.tokenFile).trim();
      } catch (error) {
        throw new KubeconfigError(
          `Cannot read the token file "${access.tokenFile}" of kube context ` +
            `"${access.contextName}": ${(error as Error).message}`,
          "check users[].user.tokenFile in the kubeconfig",
          { cause: error },
        );
      }
    }
    if (access.exec && !token && !clientCert) {
      const credential = await runExecPlugin(access.exec, this.#env);
      token = credential.token;
      clientCert = credential.clientCert ?? clientCert;
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (access.basicAuth) {
      headers.Authorization = `Basic ${
        btoa(`${access.basicAuth.username}:${access.basicAuth.password}`)
      }`;
    }
    return { headers, clientCert };
  }

  async #open(): Promise<{ stream: ByteStream; headers: Record<string, string> }> {
    const { headers, clientCert } = await this.#credentials();
    const stream = await dialApiServer({
      server: this.access.server,
      caPem: this.access.caPem,
      insecure: this.access.insecure,
      tlsServerName: this.access.tlsServerName,
      clientCert,
      contextName: this.access.contextName,
    });
    return { stream, headers };
  }

  async #send(
    method: string,
    path: string,
    options: RequestOptions,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ response: HttpResponse; stream: ByteStream }> {
    const { stream, headers } = await this.#open();
    let body: Uint8Array | undefined;
    if (options.body !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(options.body));
      headers["Content-Type"] = options.contentType ?? "application/json";
    }
    try {
      const response = await sendRequest(stream, {
        method,
        target: this.#address.basePath + path,
        host: this.#address.hostHeader,
        headers: {
          // An upgrade must not ask for JSON: the API server answers 406 to that.
          ...(extraHeaders.Upgrade ? {} : { Accept: "application/json" }),
          "User-Agent": "mirrord-ts",
          ...headers,
          ...extraHeaders,
        },
        body,
      });
      return { response, stream };
    } catch (error) {
      stream.close();
      throw new ApiUnreachableError(
        `Cannot ${options.action}: the connection to the API server ${this.access.server} ` +
          `failed (${(error as Error).message})`,
        "check that the cluster is up and reachable",
        { cause: error },
      );
    }
  }

  async #failure(response: HttpResponse, stream: ByteStream, options: RequestOptions) {
    const text = await response.text().catch(() => "");
    stream.close();
    const status = statusFrom(response.status, text);
    return new KubeApiError(options.action, status, options.hints?.[status.reason]);
  }

  /**
   * One JSON request.
   *
   * @param method HTTP method
   * @param path API path, e.g. `/api/v1/namespaces/default/pods/x`
   * @param options action (for errors) and body
   * @returns the parsed answer
   * @throws {KubeApiError} when the API server refuses
   * @throws {ApiUnreachableError} when it cannot be reached
   */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<T> {
    for (let attempt = 0;; attempt++) {
      const { response, stream } = await this.#send(method, path, options);
      if (response.status >= 200 && response.status < 300) {
        const text = await response.text();
        stream.close();
        return (text ? JSON.parse(text) : {}) as T;
      }
      if (RETRIED_STATUSES.has(response.status) && attempt < RETRY.retries) {
        await response.text().catch(() => "");
        stream.close();
        const backoff = Math.min(RETRY.maxMs, RETRY.minMs * 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random() / 2)));
        continue;
      }
      throw await this.#failure(response, stream, options);
    }
  }

  /**
   * A streamed GET (a watch or `follow` logs), line by line.
   *
   * @param path API path with its query
   * @param options action (for errors)
   * @returns the lines and a way to stop early
   * @throws {KubeApiError} when the API server refuses
   */
  async streamLines(
    path: string,
    options: RequestOptions,
  ): Promise<{ lines: AsyncIterable<string>; cancel: () => void }> {
    const { response, stream } = await this.#send("GET", path, options);
    if (response.status < 200 || response.status >= 300) {
      throw await this.#failure(response, stream, options);
    }
    return { lines: response.lines(), cancel: () => stream.close() };
  }

  /**
   * Upgrades a GET to a WebSocket.
   *
   * @param path API path with its query
   * @param protocols sub-protocols to offer, in preference order
   * @param options action (for errors)
   * @returns the open WebSocket
   * @throws {KubeApiError} when the API server refuses the upgrade
   */
  async webSocket(
    path: string,
    protocols: string[],
    options: RequestOptions,
  ): Promise<WebSocketConnection> {
    const key = webSocketKey();
    const { response, stream } = await this.#send("GET", path, options, {
      Connection: "Upgrade",
      Upgrade: "websocket",
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": key,
      "Sec-WebSocket-Protocol": protocols.join(", "),
    });
    if (response.status !== 101) throw await this.#failure(response, stream, options);
    if (response.headers.get("sec-websocket-accept") !== await webSocketAccept(key)) {
      stream.close();
      throw new ApiUnreachableError(
        `Cannot ${options.action}: the API server's WebSocket answer is invalid`,
        "a proxy between you and the cluster may not support WebSockets",
      );
    }
    return new WebSocketConnection(
      response.reader,
      stream,
      response.headers.get("sec-websocket-protocol") ?? "",
    );
  }
}

/**
 * A port-forward to one pod port through the API server (how-it-works.md §2.10), as a byte
 * stream: the `pods/portforward` subresource over WebSocket with the `v4.channel.k8s.io`
 * sub-protocol. Each binary message starts with a channel byte — 0 carries the data, 1 the
 * kubelet's error text — and the first two bytes the server sends on each channel are the port
 * (little-endian). One WebSocket is one TCP connection to the pod's port; closing it closes that
 * connection. Establishment is retried 5 times with exponential backoff from 10 ms.
 *
 * @module
 */
import type { KubeClient } from "./api_client.ts";
import type { ByteStream } from "./byte_stream.ts";
import { KubeApiError, KubeError } from "./kube_errors.ts";
import type { WebSocketConnection } from "./websocket.ts";

const DATA_CHANNEL = 0;
const ERROR_CHANNEL = 1;
const PORT_PREFIX_BYTES = 2;
/** Largest data message we send (the kubelet reads in 32 KiB pieces anyway). */
const MAX_MESSAGE = 64 * 1024;

/** The pod's port could not be reached or the tunnel broke. */
export class PortForwardError extends KubeError {
  /** @param message `Cannot …` sentence @param hint next step */
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "PortForwardError";
  }
}

/** A byte stream to a pod's port. */
export class PortForwardStream implements ByteStream {
  readonly #ws: WebSocketConnection;
  readonly #target: string;
  readonly #prefixLeft = [PORT_PREFIX_BYTES, PORT_PREFIX_BYTES];
  #pending: Uint8Array = new Uint8Array(0);
  #errorText = "";
  #closed = false;

  /**
   * @param ws the upgraded WebSocket
   * @param target `namespace/pod:port`, for messages
   */
  constructor(ws: WebSocketConnection, target: string) {
    this.#ws = ws;
    this.#target = target;
  }

  /** Strips the port prefix each channel starts with. */
  #payload(channel: number, data: Uint8Array): Uint8Array {
    const skip = Math.min(this.#prefixLeft[channel] ?? 0, data.length);
    if (skip > 0) this.#prefixLeft[channel] -= skip;
    return data.subarray(skip);
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#pending.length === 0) {
      if (this.#closed) return null;
      const message = await this.#ws.receive();
      if (message === null) {
        if (this.#errorText) throw this.#error();
        return null;
      }
      if (message.data.length === 0) continue;
      const channel = message.data[0];
      const payload = this.#payload(channel, message.data.subarray(1));
      if (channel === DATA_CHANNEL) this.#pending = payload;
      else if (channel === ERROR_CHANNEL && payload.length > 0) {
        this.#errorText += new TextDecoder().decode(payload);
        throw this.#error();
      }
    }
    const n = Math.min(buffer.length, this.#pending.length);
    buffer.set(this.#pending.subarray(0, n));
    this.#pending = this.#pending.subarray(n);
    return n;
  }

  #error(): PortForwardError {
    return new PortForwardError(
      `Cannot forward to ${this.#target}: ${this.#errorText.trim()}`,
      "check that the pod is running and listening on that port",
    );
  }

  async write(data: Uint8Array): Promise<number> {
    if (this.#closed) throw new Deno.errors.BrokenPipe(`port-forward to ${this.#target} closed`);
    const size = Math.min(data.length, MAX_MESSAGE);
    const message = new Uint8Array(size + 1);
    message[0] = DATA_CHANNEL;
    message.set(data.subarray(0, size), 1);
    await this.#ws.send(message);
    return size;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ws.close();
  }
}

/**
 * Opens a port-forward to `pod:port`.
 *
 * @param client the API client
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param port the container port
 * @returns the stream (a new TCP connection to the port)
 * @throws {KubeApiError} when the API server refuses (Forbidden, NotFound …)
 * @throws {KubeError} when the API server stays unreachable
 */
export async function openPortForward(
  client: KubeClient,
  namespace: string,
  pod: string,
  port: number,
): Promise<PortForwardStream> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/` +
    `${encodeURIComponent(pod)}/portforward?ports=${port}`;
  const action = `port-forward to pod "${pod}" port ${port} in namespace "${namespace}"`;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 10));
    }
    try {
      const ws = await client.webSocket(path, ["v4.channel.k8s.io"], {
        action,
        hints: {
          Forbidden: `ask a cluster admin for "create" on pods/portforward in "${namespace}"`,
        },
      });
      return new PortForwardStream(ws, `${namespace}/${pod}:${port}`);
    } catch (error) {
      lastError = error;
      // A refusal will not change on retry; a dropped connection might.
      if (error instanceof KubeApiError && error.code < 500) throw error;
    }
  }
  throw lastError;
}

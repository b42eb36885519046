/**
 * Test fixture: a layer whose requests the test scripts. It connects to the intproxy, registers
 * with `NewSession` and sends `LocalMessage`s through the protocol facade, numbering them like the
 * real layer (0 for `NewSession`, then 1, 2, …) and matching answers by message id.
 *
 * @module
 */
import {
  encodeLayerFrame,
  type LayerToProxyMessage,
  ProxyFrameDecoder,
  type ProxyToLayerMessage,
} from "../../protocol-wasm/mod.ts";

/** Options of {@link ScriptedLayer.connect}. */
export interface ScriptedLayerOptions {
  /** the process id it reports (default: a PID nobody may be signalled through) */
  pid?: number;
  /** the parent session, for a forked child */
  parent?: bigint | null;
  name?: string;
}

/** One scripted layer connection. */
export class ScriptedLayer implements AsyncDisposable {
  readonly #conn: Deno.TcpConn;
  readonly #decoder = new ProxyFrameDecoder();
  #nextId = 1n;
  #answers = new Map<bigint, ProxyToLayerMessage>();
  #waiters: (() => void)[] = [];
  #eof = false;
  /** the id the intproxy gave this session */
  id = -1n;
  /** resolves when the intproxy closed the connection */
  readonly closed: Promise<void>;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    this.closed = this.#read();
  }

  /**
   * Connects without registering (to test what precedes `NewSession`).
   *
   * @param address the intproxy's `127.0.0.1:<port>`
   * @returns the connection
   */
  static async open(address: string): Promise<ScriptedLayer> {
    const [hostname, port] = address.split(":");
    const conn = await Deno.connect({ hostname, port: Number(port) });
    conn.setNoDelay(true);
    return new ScriptedLayer(conn);
  }

  /**
   * Connects and registers.
   *
   * @param address the intproxy's `127.0.0.1:<port>`
   * @param options see {@link ScriptedLayerOptions}
   * @returns the registered layer
   */
  static async connect(
    address: string,
    options: ScriptedLayerOptions = {},
  ): Promise<ScriptedLayer> {
    const layer = await ScriptedLayer.open(address);
    const answer = await layer.requestWithId(0n, {
      NewSession: {
        parent_layer: options.parent ?? null,
        process_info: {
          pid: options.pid ?? 0,
          parent_pid: 0,
          name: options.name ?? "scripted-layer",
          cmdline: ["scripted-layer"],
          loaded: true,
        },
      },
    });
    if (!("NewSession" in answer)) throw new Error(`NewSession answered ${JSON.stringify(answer)}`);
    layer.id = answer.NewSession;
    return layer;
  }

  /**
   * Sends a request and waits for the answer with its id.
   *
   * @param inner the request
   * @param timeoutMs how long to wait
   * @returns the answer
   */
  request(inner: LayerToProxyMessage, timeoutMs = 5000): Promise<ProxyToLayerMessage> {
    return this.requestWithId(this.#nextId++, inner, timeoutMs);
  }

  /**
   * Sends a message that has no answer (Close, CloseDir, …).
   *
   * @param inner the message
   */
  async send(inner: LayerToProxyMessage): Promise<void> {
    await this.sendRaw(encodeLayerFrame({ message_id: this.#nextId++, inner }));
  }

  /**
   * Sends a request with a chosen id and waits for the answer.
   *
   * @param id the message id
   * @param inner the request
   * @param timeoutMs how long to wait
   * @returns the answer
   */
  async requestWithId(
    id: bigint,
    inner: LayerToProxyMessage,
    timeoutMs = 5000,
  ): Promise<ProxyToLayerMessage> {
    await this.sendRaw(encodeLayerFrame({ message_id: id, inner }));
    return await this.answer(id, timeoutMs);
  }

  /**
   * Waits for the answer to message `id`.
   *
   * @param id the message id
   * @param timeoutMs how long to wait
   * @returns the answer
   */
  async answer(id: bigint, timeoutMs = 5000): Promise<ProxyToLayerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#answers.has(id)) {
      if (this.#eof) throw new Error(`the intproxy closed the connection before answering ${id}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer to message ${id} within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    const answer = this.#answers.get(id)!;
    this.#answers.delete(id);
    return answer;
  }

  /**
   * Writes raw bytes (e.g. garbage).
   *
   * @param bytes what to write
   */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /** Closes the connection (the process "exits"). */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  async #read(): Promise<void> {
    const buffer = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        this.#decoder.push(buffer.subarray(0, n));
        for (const frame of this.#decoder.drain()) this.#answers.set(frame.message_id, frame.inner);
        for (const wake of this.#waiters.splice(0)) wake();
      }
    } catch {
      // Reset or closed by us.
    }
    this.#eof = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.closed;
  }
}

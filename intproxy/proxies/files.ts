/**
 * The files sub-proxy (how-it-works.md §4.4): forwards layers' `FileRequest`s, matches the agent's
 * replies FIFO, keeps which remote fds and directories each layer holds (reference counted across
 * forked children, so the remote `Close` goes out when the last holder lets go), serves read-only
 * files through a read-ahead buffer, turns `ReadDir` into cached `ReadDirBatch`es, and answers
 * requests the agent is too old for.
 *
 * @module
 */
import type { ProxyContext, SubProxy } from "./context.ts";
import type {
  DirEntryInternal,
  FileRequest,
  FileResponse,
  LayerId,
  ReadFileRequest,
  SeekFileRequest,
} from "./_types.ts";
import { gateFileRequest, statfsReplyForLayer } from "./file_gates.ts";
import { isReadOnlyOpen, ReadOnlyFile } from "./readonly_buffer.ts";
import { RequestQueue, SessionFailedError } from "../request_queue.ts";

/** Entries asked for per `ReadDirBatch` (mirrord's batch size). */
const READ_DIR_BATCH = 128n;

type Handle = { kind: "file" | "dir"; holders: number };

/** errno of a seek before the start of the file. */
const EINVAL = 22;

/** Routes file requests between layers and the agent. */
export class FilesProxy implements SubProxy {
  readonly #ctx: ProxyContext;
  readonly #bufferSize: bigint;
  readonly #replies = new RequestQueue<FileResponse>("file");
  /** remote fd (files and dirs share the agent's counter) → kind and number of holding layers */
  readonly #handles = new Map<bigint, Handle>();
  readonly #held = new Map<LayerId, Set<bigint>>();
  readonly #readOnly = new Map<bigint, ReadOnlyFile>();
  readonly #dirEntries = new Map<bigint, DirEntryInternal[]>();
  /** per remote fd: the tail of the requests that must not overlap (position, cache) */
  readonly #lanes = new Map<bigint, Promise<void>>();

  /** @param ctx the session */
  constructor(ctx: ProxyContext) {
    this.#ctx = ctx;
    this.#bufferSize = BigInt(Math.max(0, ctx.config.feature.fs.readonly_file_buffer ?? 0));
  }

  /**
   * Handles one file request of a layer.
   *
   * @param layer the layer
   * @param messageId its message id
   * @param request the request
   */
  request(layer: LayerId, messageId: bigint, request: FileRequest): void {
    const gated = gateFileRequest(request, (gate) => this.#ctx.supports(gate));
    if ("local" in gated) {
      this.#ctx.reply(layer, messageId, { File: gated.local });
      return;
    }
    const forward = gated.forward;
    if ("Close" in forward) return this.#release(layer, forward.Close.fd);
    if ("CloseDir" in forward) return this.#release(layer, forward.CloseDir.remote_fd);
    if ("Read" in forward && this.#readOnly.has(forward.Read.remote_fd)) {
      const read = forward.Read;
      return this.#inLane(read.remote_fd, () => this.#bufferedRead(layer, messageId, read));
    }
    if ("Seek" in forward && this.#readOnly.has(forward.Seek.fd)) {
      const seek = forward.Seek;
      return this.#inLane(seek.fd, () => this.#bufferedSeek(layer, messageId, seek));
    }
    if ("ReadDir" in forward && this.#ctx.supports("READDIR_BATCH_VERSION")) {
      const fd = forward.ReadDir.remote_fd;
      return this.#inLane(fd, () => this.#batchedReadDir(layer, messageId, fd));
    }
    if ("Open" in forward || "OpenRelative" in forward) {
      const options = "Open" in forward
        ? forward.Open.open_options
        : forward.OpenRelative.open_options;
      return this.#run(async () => {
        const reply = await this.#ask(forward);
        this.#opened(layer, reply, this.#bufferSize > 0n && isReadOnlyOpen(options));
        this.#ctx.reply(layer, messageId, { File: reply });
      });
    }
    if ("FdOpenDir" in forward) {
      return this.#run(async () => {
        const reply = await this.#ask(forward);
        if ("OpenDir" in reply && "Ok" in reply.OpenDir) {
          this.#hold(layer, reply.OpenDir.Ok.fd, "dir");
        }
        this.#ctx.reply(layer, messageId, { File: reply });
      });
    }
    this.#run(async () => {
      const reply = await this.#ask(forward);
      this.#ctx.reply(layer, messageId, { File: statfsReplyForLayer(reply) });
    });
  }

  /**
   * Delivers the agent's next file reply to the oldest outstanding request.
   *
   * @param response the reply
   * @throws {UnexpectedReplyError} when no file request is outstanding
   */
  agentReply(response: FileResponse): void {
    this.#replies.resolveNext(response);
  }

  forkLayer(parent: LayerId, child: LayerId): void {
    const held = this.#held.get(parent);
    if (!held) return;
    this.#held.set(child, new Set(held));
    for (const fd of held) this.#handles.get(fd)!.holders++;
  }

  dropLayer(layer: LayerId): void {
    for (const fd of [...this.#held.get(layer) ?? []]) this.#release(layer, fd);
    this.#held.delete(layer);
  }

  shutdown(error: Error): void {
    this.#replies.rejectAll(error);
  }

  /** Sends a request that has a reply and waits for it (queue order = send order). */
  #ask(request: FileRequest): Promise<FileResponse> {
    const reply = this.#replies.wait();
    this.#ctx.toAgent({ FileRequest: request });
    return reply;
  }

  /** Runs a request handler; a failed session already answered the layer. */
  #run(task: () => Promise<void>): void {
    task().catch((error) => {
      if (!(error instanceof SessionFailedError)) {
        this.#ctx.fail(`files: ${(error as Error).message}`);
      }
    });
  }

  /** Runs `task` after every earlier task of the same remote fd. */
  #inLane(fd: bigint, task: () => Promise<void>): void {
    const previous = this.#lanes.get(fd) ?? Promise.resolve();
    const next = previous.then(task).catch((error) => {
      if (!(error instanceof SessionFailedError)) {
        this.#ctx.fail(`files: ${(error as Error).message}`);
      }
    });
    this.#lanes.set(fd, next);
    next.then(() => {
      if (this.#lanes.get(fd) === next) this.#lanes.delete(fd);
    });
  }

  #opened(layer: LayerId, reply: FileResponse, readOnly: boolean): void {
    if (!("Open" in reply) || !("Ok" in reply.Open)) return;
    const fd = reply.Open.Ok.fd;
    if (this.#hold(layer, fd, "file") && readOnly) this.#readOnly.set(fd, new ReadOnlyFile());
  }

  /** Records that `layer` holds `fd`; closes it at once when the layer already left. */
  #hold(layer: LayerId, fd: bigint, kind: Handle["kind"]): boolean {
    if (!this.#ctx.hasLayer(layer)) {
      // The layer left while its open was in flight: nobody will ever close this one.
      this.#ctx.toAgent({
        FileRequest: kind === "file" ? { Close: { fd } } : { CloseDir: { remote_fd: fd } },
      });
      return false;
    }
    let held = this.#held.get(layer);
    if (!held) this.#held.set(layer, held = new Set());
    if (held.has(fd)) return true;
    held.add(fd);
    const handle = this.#handles.get(fd);
    if (handle) handle.holders++;
    else this.#handles.set(fd, { kind, holders: 1 });
    return true;
  }

  /** The layer lets go of `fd`; the last holder's release closes it at the agent. */
  #release(layer: LayerId, fd: bigint): void {
    const held = this.#held.get(layer);
    if (!held?.delete(fd)) {
      this.#ctx.log.debug("files: close of a remote fd this layer does not hold", {
        layer,
        fd,
      });
      return;
    }
    const handle = this.#handles.get(fd);
    if (!handle || --handle.holders > 0) return;
    this.#handles.delete(fd);
    const close = () => {
      this.#readOnly.delete(fd);
      this.#dirEntries.delete(fd);
      this.#ctx.toAgent({
        FileRequest: handle.kind === "file" ? { Close: { fd } } : { CloseDir: { remote_fd: fd } },
      });
    };
    // After any read still in flight on it, so the agent never sees a read of a closed fd.
    if (this.#lanes.has(fd)) this.#inLane(fd, () => Promise.resolve(close()));
    else close();
  }

  async #bufferedRead(layer: LayerId, messageId: bigint, read: ReadFileRequest): Promise<void> {
    const file = this.#readOnly.get(read.remote_fd);
    if (!file) {
      const reply = await this.#ask({ Read: read });
      return this.#ctx.reply(layer, messageId, { File: reply });
    }
    const cached = read.buffer_size === 0n ? new Uint8Array(0) : file.take(read.buffer_size);
    if (cached) {
      return this.#ctx.reply(layer, messageId, {
        File: { Read: { Ok: { bytes: cached, read_amount: BigInt(cached.length) } } },
      });
    }
    const want = read.buffer_size > this.#bufferSize ? read.buffer_size : this.#bufferSize;
    const reply = await this.#ask({
      ReadLimited: { remote_fd: read.remote_fd, buffer_size: want, start_from: file.position },
    });
    if (!("ReadLimited" in reply)) return this.#ctx.reply(layer, messageId, { File: reply });
    const result = reply.ReadLimited;
    if ("Err" in result) return this.#ctx.reply(layer, messageId, { File: { Read: result } });
    const bytes = file.fill(result.Ok.bytes, read.buffer_size);
    this.#ctx.reply(layer, messageId, {
      File: { Read: { Ok: { bytes, read_amount: BigInt(bytes.length) } } },
    });
  }

  async #bufferedSeek(layer: LayerId, messageId: bigint, seek: SeekFileRequest): Promise<void> {
    const file = this.#readOnly.get(seek.fd);
    const absolute = file ? file.absoluteSeek(seek) : seek;
    if (absolute === null) {
      return this.#ctx.reply(layer, messageId, {
        File: { Seek: { Err: { RemoteIO: { raw_os_error: EINVAL, kind: "InvalidInput" } } } },
      });
    }
    const reply = await this.#ask({ Seek: absolute });
    if (file && "Seek" in reply && "Ok" in reply.Seek) file.seeked(reply.Seek.Ok.result_offset);
    this.#ctx.reply(layer, messageId, { File: reply });
  }

  async #batchedReadDir(layer: LayerId, messageId: bigint, fd: bigint): Promise<void> {
    const cached = this.#dirEntries.get(fd);
    if (cached && cached.length > 0) {
      return this.#ctx.reply(layer, messageId, {
        File: { ReadDir: { Ok: { direntry: cached.shift()! } } },
      });
    }
    const reply = await this.#ask({ ReadDirBatch: { remote_fd: fd, amount: READ_DIR_BATCH } });
    if (!("ReadDirBatch" in reply)) return this.#ctx.reply(layer, messageId, { File: reply });
    const result = reply.ReadDirBatch;
    if ("Err" in result) return this.#ctx.reply(layer, messageId, { File: { ReadDir: result } });
    const entries = result.Ok.dir_entries;
    const first = entries.shift() ?? null;
    if (entries.length > 0 && this.#handles.has(fd)) this.#dirEntries.set(fd, entries);
    this.#ctx.reply(layer, messageId, { File: { ReadDir: { Ok: { direntry: first } } } });
  }
}

/**
 * The messages every protocol benchmark uses.
 *
 * @module
 */
import type { FileReadMessage, TcpDataMessage } from "./protocol_baseline_codec.ts";

/** Small, file-read and 64 KiB messages. */
export const BENCH_MESSAGES: {
  small: TcpDataMessage;
  fileRead: FileReadMessage;
  large: TcpDataMessage;
} = {
  small: { Tcp: { Data: { connection_id: 42n, bytes: new Uint8Array(16).fill(7) } } },
  fileRead: { FileRequest: { Read: { remote_fd: 12n, buffer_size: 4096n } } },
  large: {
    Tcp: {
      Data: {
        connection_id: 42n,
        bytes: Uint8Array.from({ length: 64 * 1024 }, (_, i) => i & 0xff),
      },
    },
  },
};

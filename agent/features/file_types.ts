/**
 * Values of the files feature: the protocol facade's types under the names the file manager uses,
 * and the error it raises for bad remote fds.
 *
 * @module
 */

import type {
  DirEntryInternal,
  FsMetadataInternalV2,
  MetadataInternal,
  OpenOptionsInternal,
  SeekFromInternal,
  Timespec,
} from "../../protocol-wasm/mod.ts";

/** `OpenOptionsInternal`. */
export type OpenOptions = OpenOptionsInternal;
/** `MetadataInternal`; the agent sends times as nanoseconds since the epoch (agent/README.md). */
export type Metadata = MetadataInternal;
/** `FsMetadataInternalV2` (its first seven fields are `FsMetadataInternal`). */
export type FsMetadataV2 = FsMetadataInternalV2;
/** `DirEntryInternal`; `file_type` is a `DT_*` value. */
export type DirEntry = DirEntryInternal;
/** `SeekFromInternal`. */
export type SeekFrom = SeekFromInternal;
export type { Timespec };

/** The options of a plain `open(path, O_RDONLY)`. */
export const READ_ONLY: Readonly<OpenOptions> = Object.freeze({
  read: true,
  write: false,
  append: false,
  truncate: false,
  create: false,
  create_new: false,
});

/** The non-OS errors of the files feature (`ResponseError` variants). */
export type FileError = { NotFound: bigint } | { NotDirectory: bigint } | { NotFile: bigint };

/** Raised by the file manager for a bad remote fd; the dispatcher sends it as `Err(…)`. */
export class RemoteFdError extends Error {
  /** @param response the `ResponseError` value */
  constructor(readonly response: FileError) {
    super(
      `remote fd error: ${JSON.stringify(response, (_, v) => typeof v === "bigint" ? `${v}` : v)}`,
    );
    this.name = "RemoteFdError";
  }
}

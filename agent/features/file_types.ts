/**
 * Values of the files feature in the protocol facade's shape (serde names, bigint for 64-bit).
 *
 * @module
 */

/** `OpenOptionsInternal`. */
export interface OpenOptions {
  read: boolean;
  write: boolean;
  append: boolean;
  truncate: boolean;
  create: boolean;
  create_new: boolean;
}

/** The options of a plain `open(path, O_RDONLY)`. */
export const READ_ONLY: Readonly<OpenOptions> = Object.freeze({
  read: true,
  write: false,
  append: false,
  truncate: false,
  create: false,
  create_new: false,
});

/** `MetadataInternal`; times are nanoseconds since the epoch (see agent/README.md). */
export interface Metadata {
  device_id: bigint;
  inode: bigint;
  mode: number;
  hard_links: bigint;
  user_id: number;
  group_id: number;
  rdevice_id: bigint;
  size: bigint;
  access_time: bigint;
  modification_time: bigint;
  creation_time: bigint;
  block_size: bigint;
  blocks: bigint;
}

/** `FsMetadataInternalV2` (its first seven fields are `FsMetadataInternal`). */
export interface FsMetadataV2 {
  filesystem_type: bigint;
  block_size: bigint;
  blocks: bigint;
  blocks_free: bigint;
  blocks_available: bigint;
  files: bigint;
  files_free: bigint;
  filesystem_id: [number, number];
  name_len: bigint;
  fragment_size: bigint;
  flags: bigint;
}

/** `DirEntryInternal`; `file_type` is a `DT_*` value. */
export interface DirEntry {
  inode: bigint;
  position: bigint;
  name: string;
  file_type: number;
}

/** `SeekFromInternal`. */
export type SeekFrom = { Start: bigint } | { End: bigint } | { Current: bigint };

/** `Timespec`. */
export interface Timespec {
  tv_sec: bigint;
  tv_nsec: bigint;
}

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

/**
 * Maps a `FileRequest` (facade value) to a {@link FileManager} call and builds the matching
 * `FileResponse`. Replies are produced in request order by the caller; Close and CloseDir produce
 * none.
 *
 * @module
 */
import type { FileManager } from "./files.ts";
import { RemoteFdError } from "./file_types.ts";
import type { DirEntry, FsMetadataV2, OpenOptions, SeekFrom, Timespec } from "./file_types.ts";
import { responseErrorOf } from "./io_error.ts";

/** A request or response value in the facade's externally tagged form. */
type Tagged = Record<string, unknown>;

function fsMetadataV1(metadata: FsMetadataV2) {
  const { filesystem_id: _id, name_len: _n, fragment_size: _f, flags: _fl, ...v1 } = metadata;
  return v1;
}

/** The response variant each request is answered with (Close/CloseDir: none). */
const RESPONSE_VARIANT: Record<string, string | null> = {
  Open: "Open",
  OpenRelative: "Open",
  Read: "Read",
  ReadLimited: "ReadLimited",
  Seek: "Seek",
  Write: "Write",
  WriteLimited: "WriteLimited",
  Close: null,
  Access: "Access",
  Xstat: "Xstat",
  XstatFs: "XstatFs",
  FdOpenDir: "OpenDir",
  ReadDir: "ReadDir",
  CloseDir: null,
  GetDEnts64: "GetDEnts64",
  ReadLink: "ReadLink",
  ReadDirBatch: "ReadDirBatch",
  MakeDir: "MakeDir",
  MakeDirAt: "MakeDir",
  RemoveDir: "RemoveDir",
  Unlink: "Unlink",
  UnlinkAt: "Unlink",
  StatFs: "XstatFs",
  XstatFsV2: "XstatFsV2",
  StatFsV2: "XstatFsV2",
  Rename: "Rename",
  Ftruncate: "Ftruncate",
  Futimens: "Futimens",
  Fchown: "Fchown",
  Fchmod: "Fchmod",
};

// deno-lint-ignore no-explicit-any
type Args = any;

async function perform(files: FileManager, name: string, r: Args): Promise<unknown> {
  switch (name) {
    case "Open":
      return { fd: await files.open(r.path, r.open_options as OpenOptions) };
    case "OpenRelative":
      return { fd: await files.openRelative(r.relative_fd, r.path, r.open_options) };
    case "Read": {
      const bytes = await files.read(r.remote_fd, r.buffer_size);
      return { bytes, read_amount: BigInt(bytes.length) };
    }
    case "ReadLimited": {
      const bytes = await files.readLimited(r.remote_fd, r.start_from, r.buffer_size);
      return { bytes, read_amount: BigInt(bytes.length) };
    }
    case "Seek":
      return { result_offset: await files.seek(r.fd, r.seek_from as SeekFrom) };
    case "Write":
      return { written_amount: await files.write(r.fd, r.write_bytes) };
    case "WriteLimited":
      return { written_amount: await files.writeLimited(r.remote_fd, r.start_from, r.write_bytes) };
    case "Close":
      files.close(r.fd);
      return undefined;
    case "CloseDir":
      files.close(r.remote_fd);
      return undefined;
    case "Access":
      files.access(r.pathname, r.mode);
      return null;
    case "Xstat":
      return { metadata: await files.xstat(r.path ?? null, r.fd ?? null, r.follow_symlink) };
    case "XstatFs":
      return { metadata: fsMetadataV1(files.statFs({ fd: r.fd })) };
    case "StatFs":
      return { metadata: fsMetadataV1(files.statFs({ path: r.path })) };
    case "XstatFsV2":
      return { metadata: files.statFs({ fd: r.fd }) };
    case "StatFsV2":
      return { metadata: files.statFs({ path: r.path }) };
    case "FdOpenDir":
      return { fd: await files.fdOpenDir(r.remote_fd) };
    case "ReadDir":
      return { direntry: files.readDir(r.remote_fd) as DirEntry | null };
    case "ReadDirBatch":
      return { fd: r.remote_fd, dir_entries: files.readDirBatch(r.remote_fd, r.amount) };
    case "GetDEnts64": {
      const { entries, resultSize } = await files.getDents64(r.remote_fd, r.buffer_size);
      return { fd: r.remote_fd, entries, result_size: resultSize };
    }
    case "ReadLink":
      return { path: await files.readLink(r.path) };
    case "MakeDir":
      await files.makeDir(r.pathname, r.mode);
      return null;
    case "MakeDirAt":
      await files.makeDir(r.pathname, r.mode, r.dirfd);
      return null;
    case "RemoveDir":
      await files.removeDir(r.pathname);
      return null;
    case "Unlink":
      await files.unlink(r.pathname);
      return null;
    case "UnlinkAt":
      await files.unlink(r.pathname, r.dirfd ?? null, r.flags);
      return null;
    case "Rename":
      await files.rename(r.old_path, r.new_path);
      return null;
    case "Ftruncate":
      await files.ftruncate(r.fd, r.length);
      return null;
    case "Futimens":
      await files.futimens(r.fd, (r.times ?? null) as [Timespec, Timespec] | null);
      return null;
    case "Fchown":
      await files.fchown(r.fd, r.owner, r.group);
      return null;
    case "Fchmod":
      await files.fchmod(r.fd, r.mode);
      return null;
  }
  throw new Error(`unhandled file request ${name}`);
}

/**
 * Serves one file request.
 *
 * @param files the client's file manager
 * @param request the `FileRequest` value, e.g. `{ Open: { path, open_options } }`
 * @returns the `FileResponse` value, or null for requests that get no reply
 * @throws {TypeError} for a request variant this agent does not know (a newer client)
 */
export async function serveFileRequest(
  files: FileManager,
  request: Tagged,
): Promise<Tagged | null> {
  const [name] = Object.keys(request);
  if (!(name in RESPONSE_VARIANT)) {
    throw new TypeError(`Cannot serve file request "${name}": unknown to this agent`);
  }
  const variant = RESPONSE_VARIANT[name];
  try {
    const result = await perform(files, name, request[name]);
    return variant === null ? null : { [variant]: { Ok: result } };
  } catch (error) {
    if (variant === null) return null;
    const err = error instanceof RemoteFdError ? error.response : responseErrorOf(error);
    return { [variant]: { Err: err } };
  }
}

/**
 * Maps a `FileRequest` to a {@link FileManager} call and builds the matching `FileResponse`.
 * Replies are produced in request order by the caller; Close and CloseDir produce none.
 *
 * @module
 */
import type { FileRequest, FileResponse, ResponseError } from "../../protocol-wasm/mod.ts";
import type { FileManager } from "./files.ts";
import { type FsMetadataV2, RemoteFdError } from "./file_types.ts";
import { responseErrorOf } from "./io_error.ts";

type Result<T> = { Ok: T } | { Err: ResponseError };

async function result<T>(operation: () => Promise<T> | T): Promise<Result<T>> {
  try {
    return { Ok: await operation() };
  } catch (error) {
    return { Err: error instanceof RemoteFdError ? error.response : responseErrorOf(error) };
  }
}

function fsMetadataV1(metadata: FsMetadataV2) {
  const { filesystem_id: _id, name_len: _n, fragment_size: _f, flags: _fl, ...v1 } = metadata;
  return v1;
}

const done = () => null;

/**
 * Serves one file request.
 *
 * @param files the client's file manager
 * @param request the request, e.g. `{ Open: { path, open_options } }`
 * @returns the response, or null for requests that get no reply (Close, CloseDir)
 * @throws {TypeError} for a request variant this agent does not know
 */
export async function serveFileRequest(
  files: FileManager,
  request: FileRequest,
): Promise<FileResponse | null> {
  if ("Close" in request) return files.close(request.Close.fd), null;
  if ("CloseDir" in request) return files.close(request.CloseDir.remote_fd), null;
  if ("Open" in request) {
    const r = request.Open;
    return { Open: await result(async () => ({ fd: await files.open(r.path, r.open_options) })) };
  }
  if ("OpenRelative" in request) {
    const r = request.OpenRelative;
    return {
      Open: await result(async () => ({
        fd: await files.openRelative(r.relative_fd, r.path, r.open_options),
      })),
    };
  }
  if ("Read" in request) {
    const r = request.Read;
    return {
      Read: await result(async () => {
        const bytes = await files.read(r.remote_fd, r.buffer_size);
        return { bytes, read_amount: BigInt(bytes.length) };
      }),
    };
  }
  if ("ReadLimited" in request) {
    const r = request.ReadLimited;
    return {
      ReadLimited: await result(async () => {
        const bytes = await files.readLimited(r.remote_fd, r.start_from, r.buffer_size);
        return { bytes, read_amount: BigInt(bytes.length) };
      }),
    };
  }
  if ("Seek" in request) {
    const r = request.Seek;
    return {
      Seek: await result(async () => ({ result_offset: await files.seek(r.fd, r.seek_from) })),
    };
  }
  if ("Write" in request) {
    const r = request.Write;
    return {
      Write: await result(async () => ({
        written_amount: await files.write(r.fd, r.write_bytes),
      })),
    };
  }
  if ("WriteLimited" in request) {
    const r = request.WriteLimited;
    return {
      WriteLimited: await result(async () => ({
        written_amount: await files.writeLimited(r.remote_fd, r.start_from, r.write_bytes),
      })),
    };
  }
  if ("Access" in request) {
    const r = request.Access;
    return { Access: await result(() => (files.access(r.pathname, r.mode), null)) };
  }
  if ("Xstat" in request) {
    const r = request.Xstat;
    return {
      Xstat: await result(async () => ({
        metadata: await files.xstat(r.path, r.fd, r.follow_symlink),
      })),
    };
  }
  if ("XstatFs" in request) {
    const fd = request.XstatFs.fd;
    return { XstatFs: await result(() => ({ metadata: fsMetadataV1(files.statFs({ fd })) })) };
  }
  if ("StatFs" in request) {
    const path = request.StatFs.path;
    return { XstatFs: await result(() => ({ metadata: fsMetadataV1(files.statFs({ path })) })) };
  }
  if ("XstatFsV2" in request) {
    const fd = request.XstatFsV2.fd;
    return { XstatFsV2: await result(() => ({ metadata: files.statFs({ fd }) })) };
  }
  if ("StatFsV2" in request) {
    const path = request.StatFsV2.path;
    return { XstatFsV2: await result(() => ({ metadata: files.statFs({ path }) })) };
  }
  if ("FdOpenDir" in request) {
    const fd = request.FdOpenDir.remote_fd;
    return { OpenDir: await result(async () => ({ fd: await files.fdOpenDir(fd) })) };
  }
  if ("ReadDir" in request) {
    const fd = request.ReadDir.remote_fd;
    return { ReadDir: await result(() => ({ direntry: files.readDir(fd) })) };
  }
  if ("ReadDirBatch" in request) {
    const r = request.ReadDirBatch;
    return {
      ReadDirBatch: await result(() => ({
        fd: r.remote_fd,
        dir_entries: files.readDirBatch(r.remote_fd, r.amount),
      })),
    };
  }
  if ("GetDEnts64" in request) {
    const r = request.GetDEnts64;
    return {
      GetDEnts64: await result(async () => {
        const { entries, resultSize } = await files.getDents64(r.remote_fd, r.buffer_size);
        return { fd: r.remote_fd, entries, result_size: resultSize };
      }),
    };
  }
  if ("ReadLink" in request) {
    const path = request.ReadLink.path;
    return { ReadLink: await result(async () => ({ path: await files.readLink(path) })) };
  }
  if ("MakeDir" in request) {
    const r = request.MakeDir;
    return { MakeDir: await result(() => files.makeDir(r.pathname, r.mode).then(done)) };
  }
  if ("MakeDirAt" in request) {
    const r = request.MakeDirAt;
    return { MakeDir: await result(() => files.makeDir(r.pathname, r.mode, r.dirfd).then(done)) };
  }
  if ("RemoveDir" in request) {
    const path = request.RemoveDir.pathname;
    return { RemoveDir: await result(() => files.removeDir(path).then(done)) };
  }
  if ("Unlink" in request) {
    const path = request.Unlink.pathname;
    return { Unlink: await result(() => files.unlink(path).then(done)) };
  }
  if ("UnlinkAt" in request) {
    const r = request.UnlinkAt;
    return { Unlink: await result(() => files.unlink(r.pathname, r.dirfd, r.flags).then(done)) };
  }
  if ("Rename" in request) {
    const r = request.Rename;
    return { Rename: await result(() => files.rename(r.old_path, r.new_path).then(done)) };
  }
  if ("Ftruncate" in request) {
    const r = request.Ftruncate;
    return { Ftruncate: await result(() => files.ftruncate(r.fd, r.length).then(done)) };
  }
  if ("Futimens" in request) {
    const r = request.Futimens;
    return { Futimens: await result(() => files.futimens(r.fd, r.times).then(done)) };
  }
  if ("Fchown" in request) {
    const r = request.Fchown;
    return { Fchown: await result(() => files.fchown(r.fd, r.owner, r.group).then(done)) };
  }
  if ("Fchmod" in request) {
    const r = request.Fchmod;
    return { Fchmod: await result(() => files.fchmod(r.fd, r.mode).then(done)) };
  }
  const unknown: never = request;
  throw new TypeError(`Cannot serve file request ${JSON.stringify(Object.keys(unknown))}`);
}

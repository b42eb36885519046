/**
 * File requests the agent is too old for (protocol.md §4.2): answered locally with
 * `NotImplemented` in the response variant mirrord's intproxy uses (trap 14: `RemoveDir` for the
 * unlink family, `Rename` for ftruncate/futimens/fchown/fchmod, `XstatFs` for statfs), or
 * downgraded (statfs V2 → V1 with the reply converted back to V2).
 *
 * @module
 */
import type { FileRequest, FileResponse, GateName } from "./_types.ts";

/** What to do with a layer's file request. */
export type GatedFileRequest =
  /** answer the layer with this, nothing goes to the agent */
  | { local: FileResponse }
  /** send this to the agent (possibly a downgraded form of the layer's request) */
  | { forward: FileRequest };

const NOT_IMPLEMENTED = { Err: "NotImplemented" as const };

/** Variant name → the gate it needs and the response variant of the local refusal. */
const GATED: Partial<Record<string, [GateName, FileResponse]>> = {
  ReadLink: ["READLINK_VERSION", { ReadLink: NOT_IMPLEMENTED }],
  MakeDir: ["MKDIR_VERSION", { MakeDir: NOT_IMPLEMENTED }],
  MakeDirAt: ["MKDIR_VERSION", { MakeDir: NOT_IMPLEMENTED }],
  RemoveDir: ["RMDIR_VERSION", { RemoveDir: NOT_IMPLEMENTED }],
  Unlink: ["RMDIR_VERSION", { RemoveDir: NOT_IMPLEMENTED }],
  UnlinkAt: ["RMDIR_VERSION", { RemoveDir: NOT_IMPLEMENTED }],
  StatFs: ["STATFS_VERSION", { XstatFs: NOT_IMPLEMENTED }],
  Rename: ["RENAME_VERSION", { Rename: NOT_IMPLEMENTED }],
  Ftruncate: ["COPYFILE_VERSION", { Rename: NOT_IMPLEMENTED }],
  Futimens: ["COPYFILE_VERSION", { Rename: NOT_IMPLEMENTED }],
  Fchown: ["COPYFILE_VERSION", { Rename: NOT_IMPLEMENTED }],
  Fchmod: ["COPYFILE_VERSION", { Rename: NOT_IMPLEMENTED }],
};

/**
 * Applies the version gates to a file request.
 *
 * @param request the layer's request
 * @param supports the agent's capabilities by settled version
 * @returns a local answer, or the request to send
 * @example An agent older than 1.21.0
 * ```ts
 * gateFileRequest({ Rename: { old_path: "/a", new_path: "/b" } }, () => false);
 * // { local: { Rename: { Err: "NotImplemented" } } }
 * ```
 */
export function gateFileRequest(
  request: FileRequest,
  supports: (gate: GateName) => boolean,
): GatedFileRequest {
  if ("XstatFsV2" in request) {
    if (supports("STATFS_V2_VERSION")) return { forward: request };
    return { forward: { XstatFs: request.XstatFsV2 } };
  }
  if ("StatFsV2" in request) {
    if (supports("STATFS_V2_VERSION")) return { forward: request };
    if (supports("STATFS_VERSION")) return { forward: { StatFs: request.StatFsV2 } };
    return { local: { XstatFs: NOT_IMPLEMENTED } };
  }
  const gated = GATED[Object.keys(request)[0]];
  if (gated && !supports(gated[0])) return { local: gated[1] };
  return { forward: request };
}

/**
 * mirrord's intproxy hands every V1 statfs reply to the layer as `XstatFsV2` (trap 14), the
 * fields V1 lacks set to zero; other replies pass unchanged.
 *
 * @param response the agent's reply
 * @returns what the layer gets
 */
export function statfsReplyForLayer(response: FileResponse): FileResponse {
  if (!("XstatFs" in response)) return response;
  const result = response.XstatFs;
  if ("Err" in result) return { XstatFsV2: result };
  return {
    XstatFsV2: {
      Ok: {
        metadata: {
          ...result.Ok.metadata,
          filesystem_id: [0, 0],
          name_len: 0n,
          fragment_size: 0n,
          flags: 0n,
        },
      },
    },
  };
}

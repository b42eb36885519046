//! File operations (protocol.md §3.9). Replies carry no request id: the agent answers in
//! arrival order, one reply per request except `Close` and `CloseDir`, which get none.

use super::RemoteResult;
use crate::leaves::payload::Payload;
use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum FileRequest {
    Open(OpenFileRequest),
    OpenRelative(OpenRelativeFileRequest),
    Read(ReadFileRequest),
    ReadLimited(ReadLimitedFileRequest),
    Seek(SeekFileRequest),
    Write(WriteFileRequest),
    WriteLimited(WriteLimitedFileRequest),
    /// No reply.
    Close(CloseFileRequest),
    Access(AccessFileRequest),
    Xstat(XstatRequest),
    XstatFs(XstatFsRequest),
    FdOpenDir(FdOpenDirRequest),
    ReadDir(ReadDirRequest),
    /// No reply.
    CloseDir(CloseDirRequest),
    GetDEnts64(GetDEnts64Request),
    /// Gate READLINK_VERSION.
    ReadLink(ReadLinkFileRequest),
    /// Gate READDIR_BATCH_VERSION (intproxy-originated only).
    ReadDirBatch(ReadDirBatchRequest),
    /// Gate MKDIR_VERSION.
    MakeDir(MakeDirRequest),
    /// Gate MKDIR_VERSION.
    MakeDirAt(MakeDirAtRequest),
    /// Gate RMDIR_VERSION.
    RemoveDir(RemoveDirRequest),
    /// Gate RMDIR_VERSION.
    Unlink(UnlinkRequest),
    /// Gate RMDIR_VERSION.
    UnlinkAt(UnlinkAtRequest),
    /// Gate STATFS_VERSION.
    StatFs(StatFsRequest),
    /// Gate STATFS_V2_VERSION.
    XstatFsV2(XstatFsRequestV2),
    /// Gate STATFS_V2_VERSION.
    StatFsV2(StatFsRequestV2),
    /// Gate RENAME_VERSION.
    Rename(RenameRequest),
    /// Gate COPYFILE_VERSION.
    Ftruncate(FtruncateRequest),
    /// Gate COPYFILE_VERSION.
    Futimens(FutimensRequest),
    /// Gate COPYFILE_VERSION.
    Fchown(FchownRequest),
    /// Gate COPYFILE_VERSION.
    Fchmod(FchmodRequest),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OpenOptionsInternal {
    pub read: bool,
    pub write: bool,
    pub append: bool,
    pub truncate: bool,
    pub create: bool,
    pub create_new: bool,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OpenFileRequest {
    pub path: String,
    pub open_options: OpenOptionsInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OpenRelativeFileRequest {
    pub relative_fd: u64,
    pub path: String,
    pub open_options: OpenOptionsInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadFileRequest {
    pub remote_fd: u64,
    pub buffer_size: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadLimitedFileRequest {
    pub remote_fd: u64,
    pub buffer_size: u64,
    pub start_from: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum SeekFromInternal {
    Start(u64),
    End(i64),
    Current(i64),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct SeekFileRequest {
    pub fd: u64,
    pub seek_from: SeekFromInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct WriteFileRequest {
    pub fd: u64,
    pub write_bytes: Payload,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct WriteLimitedFileRequest {
    pub remote_fd: u64,
    pub start_from: u64,
    pub write_bytes: Payload,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct CloseFileRequest {
    pub fd: u64,
}

/// `mode` is a raw byte (trap 3).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct AccessFileRequest {
    pub pathname: String,
    pub mode: u8,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct XstatRequest {
    pub path: Option<String>,
    pub fd: Option<u64>,
    pub follow_symlink: bool,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct XstatFsRequest {
    pub fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FdOpenDirRequest {
    pub remote_fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadDirRequest {
    pub remote_fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct CloseDirRequest {
    pub remote_fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct GetDEnts64Request {
    pub remote_fd: u64,
    pub buffer_size: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadLinkFileRequest {
    pub path: String,
}

/// `amount` is a `usize` (`uv64`).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadDirBatchRequest {
    pub remote_fd: u64,
    pub amount: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct MakeDirRequest {
    pub pathname: String,
    pub mode: u32,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct MakeDirAtRequest {
    pub dirfd: u64,
    pub pathname: String,
    pub mode: u32,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct RemoveDirRequest {
    pub pathname: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct UnlinkRequest {
    pub pathname: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct UnlinkAtRequest {
    pub dirfd: Option<u64>,
    pub pathname: String,
    pub flags: u32,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct StatFsRequest {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct XstatFsRequestV2 {
    pub fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct StatFsRequestV2 {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct RenameRequest {
    pub old_path: String,
    pub new_path: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FtruncateRequest {
    pub fd: u64,
    pub length: i64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct Timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FutimensRequest {
    pub fd: u64,
    pub times: Option<[Timespec; 2]>,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FchownRequest {
    pub fd: u64,
    pub owner: u32,
    pub group: u32,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FchmodRequest {
    pub fd: u64,
    pub mode: u32,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum FileResponse {
    Open(RemoteResult<OpenFileResponse>),
    Read(RemoteResult<ReadFileResponse>),
    ReadLimited(RemoteResult<ReadFileResponse>),
    Write(RemoteResult<WriteFileResponse>),
    WriteLimited(RemoteResult<WriteFileResponse>),
    Seek(RemoteResult<SeekFileResponse>),
    Access(RemoteResult<AccessFileResponse>),
    Xstat(RemoteResult<XstatResponse>),
    XstatFs(RemoteResult<XstatFsResponse>),
    /// `direntry` absent = end of directory.
    ReadDir(RemoteResult<ReadDirResponse>),
    OpenDir(RemoteResult<OpenDirResponse>),
    GetDEnts64(RemoteResult<GetDEnts64Response>),
    ReadLink(RemoteResult<ReadLinkFileResponse>),
    ReadDirBatch(RemoteResult<ReadDirBatchResponse>),
    MakeDir(RemoteResult<()>),
    RemoveDir(RemoteResult<()>),
    Unlink(RemoteResult<()>),
    XstatFsV2(RemoteResult<XstatFsResponseV2>),
    Rename(RemoteResult<()>),
    Ftruncate(RemoteResult<()>),
    Futimens(RemoteResult<()>),
    Fchown(RemoteResult<()>),
    Fchmod(RemoteResult<()>),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OpenFileResponse {
    pub fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadFileResponse {
    pub bytes: Payload,
    pub read_amount: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct WriteFileResponse {
    pub written_amount: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct SeekFileResponse {
    pub result_offset: u64,
}

/// Unit struct: success is just the `Ok` tag.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct AccessFileResponse;

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct XstatResponse {
    pub metadata: MetadataInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct XstatFsResponse {
    pub metadata: FsMetadataInternal,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct XstatFsResponseV2 {
    pub metadata: FsMetadataInternalV2,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadDirResponse {
    pub direntry: Option<DirEntryInternal>,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct OpenDirResponse {
    pub fd: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct GetDEnts64Response {
    pub fd: u64,
    pub entries: Vec<DirEntryInternal>,
    pub result_size: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadLinkFileResponse {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ReadDirBatchResponse {
    pub fd: u64,
    pub dir_entries: Vec<DirEntryInternal>,
}

/// `file_type` is a raw byte (`DT_*`, trap 3).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct DirEntryInternal {
    pub inode: u64,
    pub position: u64,
    pub name: String,
    pub file_type: u8,
}

/// The three times are meant as nanoseconds; the reference agent sends only the sub-second
/// part (trap 23).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct MetadataInternal {
    pub device_id: u64,
    pub inode: u64,
    pub mode: u32,
    pub hard_links: u64,
    pub user_id: u32,
    pub group_id: u32,
    pub rdevice_id: u64,
    pub size: u64,
    pub access_time: i64,
    pub modification_time: i64,
    pub creation_time: i64,
    pub block_size: u64,
    pub blocks: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FsMetadataInternal {
    pub filesystem_type: i64,
    pub block_size: i64,
    pub blocks: u64,
    pub blocks_free: u64,
    pub blocks_available: u64,
    pub files: u64,
    pub files_free: u64,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct FsMetadataInternalV2 {
    pub filesystem_type: i64,
    pub block_size: i64,
    pub blocks: u64,
    pub blocks_free: u64,
    pub blocks_available: u64,
    pub files: u64,
    pub files_free: u64,
    pub filesystem_id: [i32; 2],
    pub name_len: i64,
    pub fragment_size: i64,
    pub flags: i64,
}

//! HTTP requests and responses of stolen/mirrored traffic (protocol.md §3.7). The `Internal*`
//! types and frames travel through bincode's serde adapter; their layout is the same as native.
//! Requests put the serde part first, responses last (trap 7).

use super::{ConnectionId, Port, RequestId};
use crate::leaves::http_parts::{HeaderMap, HttpMethod, HttpUri, HttpVersion, StatusCode};
use crate::leaves::payload::Payload;
use std::net::SocketAddr;
use wire_derive::Wire;

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct HttpRequest<B> {
    pub internal_request: InternalHttpRequest<B>,
    pub connection_id: ConnectionId,
    pub request_id: RequestId,
    pub port: Port,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct HttpResponse<B> {
    /// Port of the original request.
    pub port: Port,
    pub connection_id: ConnectionId,
    pub request_id: RequestId,
    pub internal_response: InternalHttpResponse<B>,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct InternalHttpRequest<B> {
    pub method: HttpMethod,
    pub uri: HttpUri,
    pub headers: HeaderMap,
    pub version: HttpVersion,
    pub body: B,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct InternalHttpResponse<B> {
    pub status: StatusCode,
    pub version: HttpVersion,
    pub headers: HeaderMap,
    pub body: B,
}

/// Body as frames.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct InternalHttpBody(pub Vec<InternalHttpBodyFrame>);

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct InternalHttpBodyNew {
    pub frames: Vec<InternalHttpBodyFrame>,
    pub is_last: bool,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum InternalHttpBodyFrame {
    Data(Payload),
    Trailers(HeaderMap),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ChunkedRequest {
    StartV1(HttpRequest<Vec<InternalHttpBodyFrame>>),
    Body(ChunkedRequestBodyV1),
    ErrorV1(ChunkedRequestErrorV1),
    /// Gate HTTP_CHUNKED_REQUEST_V2_VERSION.
    StartV2(ChunkedRequestStartV2),
    /// Gate HTTP_CHUNKED_REQUEST_V2_VERSION.
    ErrorV2(ChunkedRequestErrorV2),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum ChunkedResponse {
    Start(HttpResponse<Vec<InternalHttpBodyFrame>>),
    Body(ChunkedRequestBodyV1),
    Error(ChunkedRequestErrorV1),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ChunkedRequestBodyV1 {
    pub frames: Vec<InternalHttpBodyFrame>,
    pub is_last: bool,
    pub connection_id: ConnectionId,
    pub request_id: RequestId,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ChunkedRequestErrorV1 {
    pub connection_id: ConnectionId,
    pub request_id: RequestId,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ChunkedRequestStartV2 {
    pub connection_id: ConnectionId,
    pub request_id: RequestId,
    pub request: InternalHttpRequest<InternalHttpBodyNew>,
    pub metadata: HttpRequestMetadata,
    pub transport: super::tcp::IncomingTrafficTransportType,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub struct ChunkedRequestErrorV2 {
    pub connection_id: ConnectionId,
    pub request_id: RequestId,
    pub error_message: String,
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum HttpRequestMetadata {
    V1 { source: SocketAddr, destination: SocketAddr },
}


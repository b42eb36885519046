//! HTTP filters of filtered subscriptions (protocol.md §3.16).

use wire_derive::Wire;

/// A regex in fancy-regex syntax.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct Filter(pub String);

/// RFC 9535 JSONPath (with a `typeof` function).
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct JsonPathQuery(pub String);

/// A jaq expression.
#[derive(Debug, Clone, PartialEq, Wire)]
pub struct JqQuery(pub String);

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum HttpMethodFilter {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum HttpBodyFilter {
    Json { query: JsonPathQuery, matches: Filter },
}

#[derive(Debug, Clone, PartialEq, Wire)]
pub enum HttpFilter {
    /// Regex against each header rendered as `name: value`.
    Header(Filter),
    /// Regex against the path, then path plus query.
    Path(Filter),
    /// Gate HTTP_COMPOSITE_FILTER_VERSION; `all` = every sub-filter must match.
    Composite { all: bool, filters: Vec<HttpFilter> },
    /// Gate HTTP_METHOD_FILTER_VERSION.
    Method(HttpMethodFilter),
    /// Gate HTTP_BODY_JSON_FILTER_VERSION.
    Body(HttpBodyFilter),
    /// Gate HTTP_HEADER_JQ_FILTER_VERSION.
    HeaderJq(JqQuery),
}

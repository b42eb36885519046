//! `IpAddr` / `SocketAddr` (protocol.md §1.10): a `uv32` family tag, raw octets, port as `uv16`.
//! IPv6 flow-info and scope-id are not on the wire (trap 8). Values: `"1.2.3.4"`, `"[::1]:80"`.

use crate::codec::{read_u16, read_u32, write_u32, Decode, DecodeError, Encode, Reader};
use crate::value::{ConvertError, FromValue, ToValue, ValueIn, ValueOut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

impl Encode for IpAddr {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            IpAddr::V4(a) => {
                write_u32(out, 0);
                out.extend_from_slice(&a.octets());
            }
            IpAddr::V6(a) => {
                write_u32(out, 1);
                out.extend_from_slice(&a.octets());
            }
        }
    }
}

fn read_ip(r: &mut Reader<'_>, what: &'static str) -> Result<IpAddr, DecodeError> {
    let start = r.position();
    match read_u32(r)? {
        0 => {
            let o: [u8; 4] = r.take(4)?.try_into().unwrap();
            Ok(IpAddr::V4(Ipv4Addr::from(o)))
        }
        1 => {
            let o: [u8; 16] = r.take(16)?.try_into().unwrap();
            Ok(IpAddr::V6(Ipv6Addr::from(o)))
        }
        t => Err(r.invalid_at(start, what, None, format!("invalid {what} family tag {t}"))),
    }
}

impl Decode for IpAddr {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_ip(r, "IpAddr")
    }
}

impl Encode for SocketAddr {
    fn encode(&self, out: &mut Vec<u8>) {
        self.ip().encode(out);
        self.port().encode(out);
    }
}

impl Decode for SocketAddr {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match read_ip(r, "SocketAddr")? {
            IpAddr::V4(a) => SocketAddr::V4(SocketAddrV4::new(a, read_u16(r)?)),
            IpAddr::V6(a) => SocketAddr::V6(SocketAddrV6::new(a, read_u16(r)?, 0, 0)),
        })
    }
}

impl ToValue for IpAddr {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.string(&self.to_string())
    }
}

impl FromValue for IpAddr {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.string(&src)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ConvertError::expected("IP address string (\"1.2.3.4\" or \"::1\")", i.describe(&src)))
    }
}

impl ToValue for SocketAddr {
    fn to_value<O: ValueOut>(&self, o: &mut O) -> O::V {
        o.string(&self.to_string())
    }
}

impl FromValue for SocketAddr {
    fn from_value<I: ValueIn>(i: &I, src: I::V) -> Result<Self, ConvertError> {
        i.string(&src).and_then(|s| s.parse().ok()).ok_or_else(|| {
            ConvertError::expected("socket address string (\"1.2.3.4:80\" or \"[::1]:80\")", i.describe(&src))
        })
    }
}

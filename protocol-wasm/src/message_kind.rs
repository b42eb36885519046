//! The four things that travel on the two links, by the codec tool's names.

use crate::types::local::{LayerToProxyMessage, LocalMessage, ProxyToLayerMessage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// `ClientMessage`, client → agent
    Client,
    /// `DaemonMessage`, agent → client
    Daemon,
    /// `LocalMessage<LayerToProxyMessage>`, layer → intproxy
    Layer,
    /// `LocalMessage<ProxyToLayerMessage>`, intproxy → layer
    Proxy,
}

pub type LayerMessage = LocalMessage<LayerToProxyMessage>;
pub type ProxyMessage = LocalMessage<ProxyToLayerMessage>;

impl MessageKind {
    pub const ALL: [MessageKind; 4] =
        [MessageKind::Client, MessageKind::Daemon, MessageKind::Layer, MessageKind::Proxy];

    pub fn from_index(index: u8) -> Result<MessageKind, String> {
        Self::ALL
            .get(index as usize)
            .copied()
            .ok_or_else(|| format!("Cannot use message kind {index}: expected 0 (client), 1 (daemon), 2 (layer) or 3 (proxy)"))
    }

    pub fn cli_name(self) -> &'static str {
        match self {
            MessageKind::Client => "client",
            MessageKind::Daemon => "daemon",
            MessageKind::Layer => "layer",
            MessageKind::Proxy => "proxy",
        }
    }

    pub fn type_name(self) -> &'static str {
        match self {
            MessageKind::Client => "ClientMessage",
            MessageKind::Daemon => "DaemonMessage",
            MessageKind::Layer => "LocalMessage<LayerToProxyMessage>",
            MessageKind::Proxy => "LocalMessage<ProxyToLayerMessage>",
        }
    }
}

/// Runs `$body` with `$M` bound to the Rust type of `$kind`.
macro_rules! with_kind {
    ($kind:expr, $M:ident => $body:expr) => {
        match $kind {
            $crate::message_kind::MessageKind::Client => {
                type $M = $crate::types::messages::ClientMessage;
                $body
            }
            $crate::message_kind::MessageKind::Daemon => {
                type $M = $crate::types::messages::DaemonMessage;
                $body
            }
            $crate::message_kind::MessageKind::Layer => {
                type $M = $crate::message_kind::LayerMessage;
                $body
            }
            $crate::message_kind::MessageKind::Proxy => {
                type $M = $crate::message_kind::ProxyMessage;
                $body
            }
        }
    };
}
pub(crate) use with_kind;

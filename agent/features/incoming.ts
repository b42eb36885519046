/**
 * Incoming traffic placeholders until mirror and steal exist (features/mirror.ts and
 * features/steal.ts will implement {@link IncomingFeature}):
 * - targetless agents refuse mirroring and stealing with a `Close`, as mirrord does;
 * - targeted agents answer subscriptions with `SubscribeResult(Err(NotImplemented))` and a
 *   warning, so a client's session survives an app that listens.
 *
 * @module
 */
import type { LayerTcp, LayerTcpSteal } from "../../protocol-wasm/mod.ts";
import type { ClientHandle, IncomingFeature } from "../client_handle.ts";

/** `Close` text for `Tcp(…)` on a targetless agent. */
export const TARGETLESS_MIRROR_REFUSAL =
  "Mirroring is not available in targetless mode: the agent has no target whose traffic it " +
  "could mirror — run with a target, or disable incoming traffic (feature.network.incoming)";
/** `Close` text for `TcpSteal(…)` on a targetless agent. */
export const TARGETLESS_STEAL_REFUSAL =
  "Stealing is not available in targetless mode: the agent has no target whose traffic it " +
  "could steal — run with a target, or disable incoming traffic (feature.network.incoming)";

/** Incoming traffic for a targetless agent: refused. */
export class TargetlessIncoming implements IncomingFeature {
  /** @param close ends a client's session with a `Close(reason)` */
  constructor(private readonly close: (client: ClientHandle, reason: string) => Promise<void>) {}

  async mirror(client: ClientHandle): Promise<void> {
    await this.close(client, TARGETLESS_MIRROR_REFUSAL);
  }

  async steal(client: ClientHandle): Promise<void> {
    await this.close(client, TARGETLESS_STEAL_REFUSAL);
  }

  release(): void {}
}

function subscribedPort(request: LayerTcp | LayerTcpSteal): number | null {
  if ("PortSubscribeFilteredHttp" in request) return request.PortSubscribeFilteredHttp[0];
  if (!("PortSubscribe" in request)) return null;
  const subscription = request.PortSubscribe;
  if (typeof subscription === "number") return subscription;
  if ("All" in subscription) return subscription.All;
  if ("FilteredHttp" in subscription) return subscription.FilteredHttp[0];
  return subscription.FilteredHttpEx[0];
}

/** Incoming traffic for a targeted agent without mirror/steal support: refused per port. */
export class UnavailableIncoming implements IncomingFeature {
  async mirror(client: ClientHandle, request: LayerTcp): Promise<void> {
    if (this.refuse(client, "mirror", request)) {
      await client.send({ Tcp: { SubscribeResult: { Err: "NotImplemented" } } });
    }
  }

  async steal(client: ClientHandle, request: LayerTcpSteal): Promise<void> {
    if (this.refuse(client, "steal", request)) {
      await client.send({ TcpSteal: { SubscribeResult: { Err: "NotImplemented" } } });
    }
  }

  release(): void {}

  /** Warns about a subscription; true when `request` is one (it then gets an error reply). */
  private refuse(client: ClientHandle, action: string, request: LayerTcp | LayerTcpSteal): boolean {
    const port = subscribedPort(request);
    if (port === null) return false;
    client.log(
      "Warn",
      `Cannot ${action} port ${port}: this agent does not support incoming traffic yet — the ` +
        `local app will not receive remote connections`,
    );
    return true;
  }
}

/**
 * Incoming traffic placeholders until mirror and steal exist (features/mirror.ts and
 * features/steal.ts will implement {@link IncomingFeature}):
 * - targetless agents refuse mirroring and stealing with a `Close`, as mirrord does;
 * - targeted agents answer subscriptions with `SubscribeResult(Err(NotImplemented))` and a
 *   warning, so a client's session survives an app that listens.
 *
 * @module
 */
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

function subscribedPort(request: unknown): number | null {
  if (typeof request !== "object" || request === null) return null;
  const value = request as Record<string, unknown>;
  if ("PortSubscribe" in value) {
    const sub = value.PortSubscribe;
    if (typeof sub === "number") return sub;
    // StealType: { All: port } | { FilteredHttp: [port, …] } | { FilteredHttpEx: [port, …] }
    const inner = Object.values(sub as Record<string, unknown>)[0];
    return typeof inner === "number" ? inner : Array.isArray(inner) ? inner[0] : null;
  }
  if ("PortSubscribeFilteredHttp" in value) {
    return (value.PortSubscribeFilteredHttp as [number, unknown])[0];
  }
  return null;
}

/** Incoming traffic for a targeted agent without mirror/steal support: refused per port. */
export class UnavailableIncoming implements IncomingFeature {
  async mirror(client: ClientHandle, request: unknown): Promise<void> {
    await this.refuse(client, "Tcp", request);
  }

  async steal(client: ClientHandle, request: unknown): Promise<void> {
    await this.refuse(client, "TcpSteal", request);
  }

  release(): void {}

  private async refuse(client: ClientHandle, channel: string, request: unknown): Promise<void> {
    const port = subscribedPort(request);
    if (port === null) return;
    client.log(
      "Warn",
      `Cannot ${channel === "Tcp" ? "mirror" : "steal"} port ${port}: this agent does not ` +
        `support incoming traffic yet — the local app will not receive remote connections`,
    );
    await client.send({ [channel]: { SubscribeResult: { Err: "NotImplemented" } } });
  }
}

/**
 * The part of the Kubernetes client other components use (a named shared module, see
 * ARCHITECTURE.md): the intproxy opens its own port-forward to the agent with it. Everything
 * here is free of CLI types; errors are {@link KubeError}s with a `Cannot …` message and a hint.
 *
 * @example Port-forward to an agent
 * ```ts
 * const client = KubeClient.fromKubeconfig({ env: Deno.env.toObject() });
 * const stream = await openPortForward(client, "default", "mirrord-agent-abc-xyz", 41234);
 * ```
 *
 * @module
 */
export { KubeClient } from "./api_client.ts";
export type { ByteStream } from "./byte_stream.ts";
export type { KubeconfigOptions } from "./kubeconfig.ts";
export { ApiUnreachableError, KubeApiError, KubeconfigError, KubeError } from "./kube_errors.ts";
export { openPortForward, PortForwardError, type PortForwardStream } from "./port_forward.ts";

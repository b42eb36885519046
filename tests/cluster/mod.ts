/**
 * The local cluster as a library for e2e tests: bring it up (idempotent), run kubectl, get the
 * kubeconfigs and image names, tear it down and check nothing is left behind.
 *
 * @example An e2e test
 * ```ts
 * import { clusterUp, kubectl, skipUnlessClusterCanRun } from "../cluster/mod.ts";
 *
 * Deno.test({ name: "…", ignore: skipUnlessClusterCanRun(), fn: async () => {
 *   const cluster = await clusterUp();
 *   await kubectl(["get", "pods"]);
 * } });
 * ```
 *
 * @module
 */
export { type ClusterInfo, clusterUp } from "./up.ts";
export { clusterDown, clusterDownIfUp } from "./down.ts";
export { allRunning, clusterStatus, type ComponentStatus } from "./status.ts";
export { KUBECTL, kubectl, type KubectlOptions, type KubectlResult } from "./kubectl.ts";
export { describeTraces, findTraces, type Traces } from "./host_traces.ts";
export { IMAGES, qualifiedImageName } from "../../install/images/build.ts";
export { NODE_NAME } from "./layout.ts";
export {
  kubeconfigPath,
  narrowKubeconfigPath,
  skipUnlessClusterCanRun,
  withNamespace,
} from "./testing.ts";

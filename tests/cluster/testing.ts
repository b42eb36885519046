/**
 * Helpers for tests that use the local cluster: skipping loudly where it cannot run, the
 * kubeconfig paths, and a labelled per-test namespace deleted when the test passes.
 *
 * @module
 */
import { kubectl } from "./kubectl.ts";
import { STATE } from "./layout.ts";

let warned = false;

/**
 * Whether cluster tests must be skipped (not root); says so loudly once.
 *
 * @returns a value for `Deno.test`'s `ignore`
 */
export function skipUnlessClusterCanRun(): boolean {
  if (Deno.uid() === 0) return false;
  if (!warned) {
    console.log(
      "\n!!! CLUSTER TESTS SKIPPED: the local Kubernetes cluster needs root (network namespaces, " +
        "iptables, mounts). Run `deno task test e2e` as root to exercise them. !!!\n",
    );
    warned = true;
  }
  return true;
}

/**
 * Path of the admin kubeconfig (client-certificate auth, `system:masters`).
 *
 * @returns the path (the file exists once `up` ran)
 */
export function kubeconfigPath(): string {
  return STATE.adminKubeconfig;
}

/**
 * Path of the narrow user's kubeconfig: it may only get/list/watch pods and read their logs in
 * `default`; everything else is Forbidden.
 *
 * @returns the path (the file exists once `up` ran)
 */
export function narrowKubeconfigPath(): string {
  return STATE.narrowKubeconfig;
}

/**
 * Runs a test body in a fresh namespace labelled `mirrord-ts-test=<prefix>`; the namespace is
 * deleted when the body succeeds and kept for inspection when it fails.
 *
 * @param prefix namespace name prefix (a random suffix is added)
 * @param body the test, given the namespace name
 * @returns what the body returns
 */
export async function withNamespace<T>(
  prefix: string,
  body: (namespace: string) => Promise<T>,
): Promise<T> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const namespace = `${prefix}-${suffix}`;
  await kubectl(["create", "namespace", namespace]);
  await kubectl(["label", "namespace", namespace, `mirrord-ts-test=${prefix}`]);
  const result = await body(namespace);
  await kubectl(["delete", "namespace", namespace, "--wait=false"]);
  return result;
}

/**
 * The node's agents as host processes: the kubelet (cgroupfs driver under its own cgroup root,
 * oom-score-adj 0 since root lacks CAP_SYS_RESOURCE here, x509 + webhook auth, serving
 * certificate from the cluster CA, no image garbage collection — the images cannot be pulled
 * again) and kube-proxy in iptables mode (told not to touch conntrack or route_localnet sysctls).
 *
 * @module
 */
import type { DaemonSpec } from "./daemons.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { CGROUP_ROOT, CONTAINERD, NETWORK, NODE_NAME, PORTS, STATE } from "./layout.ts";
import { pkiPath } from "./pki.ts";
import { writeConfigFile } from "./config_file.ts";

/**
 * The kubelet configuration.
 *
 * @param resolvConf the resolv.conf pods with `dnsPolicy: Default` (CoreDNS) get
 * @returns a KubeletConfiguration object
 */
export function kubeletConfig(resolvConf: string): Record<string, unknown> {
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pkiPath("ca.crt") },
    },
    authorization: { mode: "Webhook" },
    cgroupDriver: "cgroupfs",
    cgroupRoot: `/${CGROUP_ROOT}`,
    containerRuntimeEndpoint: `unix://${CONTAINERD.socket}`,
    clusterDNS: [NETWORK.dnsServiceIp],
    clusterDomain: NETWORK.clusterDomain,
    resolvConf,
    oomScoreAdj: 0,
    protectKernelDefaults: false,
    failSwapOn: false,
    tlsCertFile: pkiPath("kubelet-server.crt"),
    tlsPrivateKeyFile: pkiPath("kubelet-server.key"),
    rotateCertificates: false,
    serverTLSBootstrap: false,
    port: PORTS.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: PORTS.kubeletHealthz,
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: {
      "memory.available": "50Mi",
      "nodefs.available": "1%",
      "nodefs.inodesFree": "1%",
      "imagefs.available": "1%",
    },
    serializeImagePulls: false,
  };
}

/**
 * The resolv.conf to hand CoreDNS: the host's, unless it only names loopback resolvers
 * (systemd-resolved's stub), which would make CoreDNS forward to itself.
 *
 * @returns a resolv.conf path
 */
export async function upstreamResolvConf(): Promise<string> {
  const host = await Deno.readTextFile("/etc/resolv.conf").catch(() => "");
  const servers = [...host.matchAll(/^nameserver\s+(\S+)/gm)].map((match) => match[1]);
  const resolved = "/run/systemd/resolve/resolv.conf";
  if (servers.length > 0 && servers.every((server) => server.startsWith("127."))) {
    try {
      await Deno.stat(resolved);
      return resolved;
    } catch {
      // no better source; CoreDNS's loop plugin will say so
    }
  }
  return "/etc/resolv.conf";
}

/**
 * How to start the kubelet (writes its config and kubeconfig).
 *
 * @param kube the multi-call binary
 * @param nodeIp the node's address
 * @returns the daemon spec
 */
export async function kubeletSpec(kube: string, nodeIp: string): Promise<DaemonSpec> {
  const config = `${STATE.config}/kubelet.yaml`;
  const kubeconfig = `${STATE.config}/kubelet.kubeconfig`;
  await writeConfigFile(
    config,
    JSON.stringify(kubeletConfig(await upstreamResolvConf()), null, 2),
  );
  await writeKubeconfig(kubeconfig, {
    user: `system:node:${NODE_NAME}`,
    certificate: "kubelet-client",
    context: "kubelet",
  });
  await Deno.mkdir(STATE.kubeletDir, { recursive: true });
  return {
    name: "kubelet",
    cmd: kube,
    args: [
      "kubelet",
      `--config=${config}`,
      `--kubeconfig=${kubeconfig}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${nodeIp}`,
      `--root-dir=${STATE.kubeletDir}`,
    ],
  };
}

/**
 * The kube-proxy configuration.
 *
 * @param kubeconfig its kubeconfig path
 * @returns a KubeProxyConfiguration object
 */
export function kubeProxyConfig(kubeconfig: string): Record<string, unknown> {
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig },
    mode: "iptables",
    clusterCIDR: NETWORK.clusterCidr,
    hostnameOverride: NODE_NAME,
    bindAddress: "0.0.0.0",
    nodePortAddresses: ["primary"],
    healthzBindAddress: `127.0.0.1:${PORTS.proxyHealthz}`,
    metricsBindAddress: `127.0.0.1:${PORTS.proxyMetrics}`,
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
    iptables: {
      localhostNodePorts: false,
      masqueradeAll: false,
      minSyncPeriod: "1s",
      syncPeriod: "30s",
    },
  };
}

/**
 * How to start kube-proxy (writes its config and kubeconfig).
 *
 * @param kube the multi-call binary
 * @returns the daemon spec
 */
export async function kubeProxySpec(kube: string): Promise<DaemonSpec> {
  const config = `${STATE.config}/kube-proxy.yaml`;
  const kubeconfig = `${STATE.config}/kube-proxy.kubeconfig`;
  await writeKubeconfig(kubeconfig, {
    user: "system:kube-proxy",
    certificate: "kube-proxy",
    context: "kube-proxy",
  });
  await writeConfigFile(config, JSON.stringify(kubeProxyConfig(kubeconfig), null, 2));
  return { name: "kube-proxy", cmd: kube, args: ["kube-proxy", `--config=${config}`] };
}

/**
 * Whether a plain-HTTP local health endpoint answers ok.
 *
 * @param port localhost port (kubelet 10248, kube-proxy 10256)
 * @returns true on a 2xx answer
 */
export async function localHealthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(2000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

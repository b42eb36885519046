/**
 * The control plane as host processes: etcd (TLS for clients and peers), kube-apiserver
 * (Node,RBAC authorization, client-certificate auth, ServiceAccount token signing, front-proxy
 * for the aggregation layer), kube-controller-manager and kube-scheduler — flags as a kubeadm
 * cluster sets them, feature gates left at their 1.34 defaults.
 *
 * @module
 */
import type { DaemonSpec } from "./daemons.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { CLUSTER_NAME, NETWORK, PORTS, STATE } from "./layout.ts";
import { pkiPath } from "./pki.ts";

const ETCD_URL = `https://127.0.0.1:${PORTS.etcdClient}`;

/**
 * How to start etcd.
 *
 * @param kube the multi-call binary
 * @returns the daemon spec
 */
export function etcdSpec(kube: string): DaemonSpec {
  const peerUrl = `https://127.0.0.1:${PORTS.etcdPeer}`;
  return {
    name: "etcd",
    cmd: kube,
    args: [
      "etcd",
      `--name=${CLUSTER_NAME}`,
      `--data-dir=${STATE.etcdData}`,
      `--listen-client-urls=${ETCD_URL}`,
      `--advertise-client-urls=${ETCD_URL}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${CLUSTER_NAME}=${peerUrl}`,
      "--listen-metrics-urls=http://127.0.0.1:2381",
      `--cert-file=${pkiPath("etcd-server.crt")}`,
      `--key-file=${pkiPath("etcd-server.key")}`,
      `--trusted-ca-file=${pkiPath("ca.crt")}`,
      "--client-cert-auth=true",
      `--peer-cert-file=${pkiPath("etcd-peer.crt")}`,
      `--peer-key-file=${pkiPath("etcd-peer.key")}`,
      `--peer-trusted-ca-file=${pkiPath("ca.crt")}`,
      "--peer-client-cert-auth=true",
      "--snapshot-count=10000",
      "--log-level=warn",
    ],
  };
}

/**
 * How to start kube-apiserver.
 *
 * @param kube the multi-call binary
 * @param nodeIp address advertised for the `kubernetes` Service
 * @returns the daemon spec
 */
export function apiserverSpec(kube: string, nodeIp: string): DaemonSpec {
  return {
    name: "kube-apiserver",
    cmd: kube,
    args: [
      "kube-apiserver",
      `--advertise-address=${nodeIp}`,
      `--secure-port=${PORTS.apiserver}`,
      "--allow-privileged=true",
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      `--client-ca-file=${pkiPath("ca.crt")}`,
      `--tls-cert-file=${pkiPath("apiserver.crt")}`,
      `--tls-private-key-file=${pkiPath("apiserver.key")}`,
      `--etcd-servers=${ETCD_URL}`,
      `--etcd-cafile=${pkiPath("ca.crt")}`,
      `--etcd-certfile=${pkiPath("apiserver-etcd-client.crt")}`,
      `--etcd-keyfile=${pkiPath("apiserver-etcd-client.key")}`,
      `--kubelet-client-certificate=${pkiPath("apiserver-kubelet-client.crt")}`,
      `--kubelet-client-key=${pkiPath("apiserver-kubelet-client.key")}`,
      `--kubelet-certificate-authority=${pkiPath("ca.crt")}`,
      "--kubelet-preferred-address-types=InternalIP,Hostname",
      `--proxy-client-cert-file=${pkiPath("front-proxy-client.crt")}`,
      `--proxy-client-key-file=${pkiPath("front-proxy-client.key")}`,
      `--requestheader-client-ca-file=${pkiPath("front-proxy-ca.crt")}`,
      "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-username-headers=X-Remote-User",
      `--service-account-issuer=https://kubernetes.default.svc.${NETWORK.clusterDomain}`,
      `--service-account-key-file=${pkiPath("sa.pub")}`,
      `--service-account-signing-key-file=${pkiPath("sa.key")}`,
      `--service-cluster-ip-range=${NETWORK.serviceCidr}`,
      "--enable-bootstrap-token-auth=true",
      "--profiling=false",
    ],
  };
}

function componentAuthArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--client-ca-file=${pkiPath("ca.crt")}`,
    `--requestheader-client-ca-file=${pkiPath("front-proxy-ca.crt")}`,
    "--bind-address=127.0.0.1",
    "--leader-elect=false",
    "--profiling=false",
  ];
}

/**
 * How to start kube-controller-manager (writes its kubeconfig).
 *
 * @param kube the multi-call binary
 * @returns the daemon spec
 */
export async function controllerManagerSpec(kube: string): Promise<DaemonSpec> {
  const kubeconfig = `${STATE.config}/controller-manager.kubeconfig`;
  await writeKubeconfig(kubeconfig, {
    user: "system:kube-controller-manager",
    certificate: "controller-manager",
    context: "controller-manager",
  });
  return {
    name: "kube-controller-manager",
    cmd: kube,
    args: [
      "kube-controller-manager",
      ...componentAuthArgs(kubeconfig),
      `--cluster-name=${CLUSTER_NAME}`,
      `--cluster-signing-cert-file=${pkiPath("ca.crt")}`,
      `--cluster-signing-key-file=${pkiPath("ca.key")}`,
      `--root-ca-file=${pkiPath("ca.crt")}`,
      `--service-account-private-key-file=${pkiPath("sa.key")}`,
      "--use-service-account-credentials=true",
      "--allocate-node-cidrs=true",
      `--cluster-cidr=${NETWORK.clusterCidr}`,
      "--node-cidr-mask-size=24",
      `--service-cluster-ip-range=${NETWORK.serviceCidr}`,
      "--controllers=*,bootstrapsigner,tokencleaner",
    ],
  };
}

/**
 * How to start kube-scheduler (writes its kubeconfig).
 *
 * @param kube the multi-call binary
 * @returns the daemon spec
 */
export async function schedulerSpec(kube: string): Promise<DaemonSpec> {
  const kubeconfig = `${STATE.config}/scheduler.kubeconfig`;
  await writeKubeconfig(kubeconfig, {
    user: "system:kube-scheduler",
    certificate: "scheduler",
    context: "scheduler",
  });
  return {
    name: "kube-scheduler",
    cmd: kube,
    args: ["kube-scheduler", ...componentAuthArgs(kubeconfig)],
  };
}

/**
 * An HTTP client presenting a client certificate of the cluster PKI.
 *
 * @param certificate PKI file stem
 * @returns the client (close it when done)
 */
export async function clusterHttpClient(certificate: string): Promise<Deno.HttpClient> {
  return Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(pkiPath("ca.crt"))],
    cert: await Deno.readTextFile(pkiPath(`${certificate}.crt`)),
    key: await Deno.readTextFile(pkiPath(`${certificate}.key`)),
  });
}

async function fetchText(url: string, certificate: string): Promise<string | undefined> {
  const client = await clusterHttpClient(certificate);
  try {
    const response = await fetch(url, { client, signal: AbortSignal.timeout(3000) });
    const text = await response.text();
    return response.ok ? text : undefined;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

/**
 * Whether etcd answers healthy.
 *
 * @returns true when `/health` reports health
 */
export async function etcdHealthy(): Promise<boolean> {
  const body = await fetchText(`${ETCD_URL}/health`, "apiserver-etcd-client");
  return body !== undefined && JSON.parse(body).health === "true";
}

/**
 * Whether the apiserver is ready (every post-start hook done).
 *
 * @returns true when `/readyz` answers ok
 */
export async function apiserverReady(): Promise<boolean> {
  const body = await fetchText(`https://127.0.0.1:${PORTS.apiserver}/readyz`, "admin");
  return body?.trim() === "ok";
}

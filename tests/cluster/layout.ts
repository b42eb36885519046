/**
 * Where the local cluster keeps things and the fixed facts of its network: one place, so `up`,
 * `down` and the leftover check agree on every name and path.
 *
 * @module
 */

/** Repository root (the folder holding deno.json). */
export const REPO_ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** Build outputs kept between runs (gitignored). */
export const CACHE_DIR = `${REPO_ROOT}/.cache`;

/** The cluster's own files: PKI, configs, logs, pids, data (gitignored). */
export const STATE_DIR = `${REPO_ROOT}/tests/cluster/.state`;

/** The Kubernetes release built from the Go module proxy (install/kube/go.mod pins it too). */
export const KUBERNETES_VERSION = "v1.34.4";

/** The etcd release built into the same binary (install/kube/go.mod). */
export const ETCD_VERSION = "v3.6.4";

/** Name of the only node; also the CN of its client certificate. */
export const NODE_NAME = "mirrord-ts-node";

/** Cluster, context and user names written into the kubeconfigs. */
export const CLUSTER_NAME = "mirrord-ts";

/** The user with a narrow Role (reads pods in `default` only), for permission-error tests. */
export const NARROW_USER = "mirrord-ts-narrow";

/** Address plan. */
export const NETWORK = {
  /** every pod IP (the controller-manager hands out per-node ranges from it) */
  clusterCidr: "10.244.0.0/16",
  /** the node's pod range (first /24 of the cluster CIDR, what the controller-manager assigns) */
  podSubnet: "10.244.0.0/24",
  serviceCidr: "10.96.0.0/16",
  /** ClusterIP of the `kubernetes` Service (first of the service range) */
  apiServiceIp: "10.96.0.1",
  /** ClusterIP of CoreDNS's `kube-dns` Service */
  dnsServiceIp: "10.96.0.10",
  clusterDomain: "cluster.local",
  /** Linux bridge the CNI bridge plugin creates */
  bridge: "mirrordts0",
  /** CNI network name (also the host-local IPAM folder) */
  cniNetwork: "mirrord-ts",
} as const;

/** Ports the host processes listen on. */
export const PORTS = {
  apiserver: 6443,
  etcdClient: 2379,
  etcdPeer: 2380,
  kubelet: 10250,
  kubeletHealthz: 10248,
  controllerManager: 10257,
  scheduler: 10259,
  proxyHealthz: 10256,
  proxyMetrics: 10249,
} as const;

/**
 * containerd listens where every tool (and mirrord's agent, through its `/run` hostPath) looks
 * for it; its shims use `/run/containerd` whatever the config says, so its state lives there too.
 */
export const CONTAINERD = {
  socket: "/run/containerd/containerd.sock",
  stateDir: "/run/containerd",
  namespace: "k8s.io",
} as const;

/** CNI plugin binaries of Debian's containernetworking-plugins. */
export const CNI_BIN_DIR = "/usr/lib/cni";

/** libcni's result cache (not configurable through containerd 1.6). */
export const CNI_CACHE_DIR = "/var/lib/cni/results";

/** The cgroup every pod lives under, in each cgroup hierarchy (kubelet `cgroupRoot`). */
export const CGROUP_ROOT = "mirrord-ts";

/** Paths inside {@link STATE_DIR}. */
export const STATE = {
  pki: `${STATE_DIR}/pki`,
  config: `${STATE_DIR}/config`,
  logs: `${STATE_DIR}/logs`,
  pids: `${STATE_DIR}/pids`,
  etcdData: `${STATE_DIR}/etcd`,
  kubeletDir: `${STATE_DIR}/kubelet`,
  containerdRoot: `${STATE_DIR}/containerd`,
  cniConfDir: `${STATE_DIR}/cni/net.d`,
  cniLeaseDir: `${STATE_DIR}/cni/networks`,
  hostSnapshot: `${STATE_DIR}/host-before-up.json`,
  adminKubeconfig: `${STATE_DIR}/admin.kubeconfig`,
  narrowKubeconfig: `${STATE_DIR}/narrow.kubeconfig`,
} as const;

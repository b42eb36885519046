/**
 * What `up` installs into the fresh cluster: CoreDNS as the cluster DNS (the kubeadm shape — a
 * Deployment in kube-system behind the `kube-dns` Service at the fixed DNS IP, with its
 * ServiceAccount and the `system:coredns` ClusterRole) and the narrow user's Role, which only
 * reads pods and their logs in `default`.
 *
 * @module
 */
import { IMAGES } from "../../install/images/build.ts";
import { NARROW_USER, NETWORK } from "./layout.ts";

const COREFILE = `.:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes ${NETWORK.clusterDomain} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . /etc/resolv.conf {
        max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

const DNS_LABELS = { "k8s-app": "kube-dns" };

function coreDnsObjects(): Record<string, unknown>[] {
  const metadata = (name: string) => ({ name, namespace: "kube-system", labels: DNS_LABELS });
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: metadata("coredns") },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "system:coredns" },
      rules: [
        {
          apiGroups: [""],
          resources: ["endpoints", "services", "pods", "namespaces"],
          verbs: ["list", "watch"],
        },
        {
          apiGroups: ["discovery.k8s.io"],
          resources: ["endpointslices"],
          verbs: ["list", "watch"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "system:coredns" },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "system:coredns",
      },
      subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }],
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata("coredns"),
      data: { Corefile: COREFILE },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: metadata("coredns"),
      spec: {
        replicas: 1,
        selector: { matchLabels: DNS_LABELS },
        template: {
          metadata: { labels: DNS_LABELS },
          spec: {
            serviceAccountName: "coredns",
            priorityClassName: "system-cluster-critical",
            dnsPolicy: "Default",
            tolerations: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
            containers: [{
              name: "coredns",
              image: IMAGES.coredns,
              imagePullPolicy: "IfNotPresent",
              args: ["-conf", "/etc/coredns/Corefile"],
              ports: [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                { name: "metrics", containerPort: 9153, protocol: "TCP" },
              ],
              resources: { requests: { cpu: "50m", memory: "40Mi" }, limits: { memory: "170Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                readOnlyRootFilesystem: true,
              },
              livenessProbe: {
                httpGet: { path: "/health", port: 8080 },
                initialDelaySeconds: 60,
                timeoutSeconds: 5,
                failureThreshold: 5,
              },
              readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 2 },
              volumeMounts: [{ name: "config", mountPath: "/etc/coredns", readOnly: true }],
            }],
            volumes: [{
              name: "config",
              configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] },
            }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        ...metadata("kube-dns"),
        labels: { ...DNS_LABELS, "kubernetes.io/name": "CoreDNS" },
      },
      spec: {
        selector: DNS_LABELS,
        clusterIP: NETWORK.dnsServiceIp,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
      },
    },
  ];
}

function narrowUserObjects(): Record<string, unknown>[] {
  const name = "mirrord-ts-narrow-pod-reader";
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace: "default" },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace: "default" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: NARROW_USER }],
    },
  ];
}

/**
 * Every add-on object, as one List for `kubectl apply -f -`.
 *
 * @returns the List's JSON text
 */
export function addonManifest(): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: [...coreDnsObjects(), ...narrowUserObjects()],
  });
}

/**
 * The sample workloads `mirrord exec` is tried against (e2e tests and the demo): the HTTP echo app
 * as the target — with a variable and a mounted file only it has — and a `backend` Service only
 * reachable inside the cluster, which answers who called it.
 *
 * @module
 */
import { IMAGES, kubectl } from "../cluster/mod.ts";

/** The target's variable only the pod has, and its value. */
export const POD_ENV = { name: "ONLY_IN_POD", value: "set-in-the-target-pod" };
/** A file only the pod has (a ConfigMap mounted into it), and its content. */
export const POD_FILE = {
  path: "/etc/mirrord-demo/greeting",
  content: "hello from a file inside the target pod\n",
};
/** The in-cluster Service the app fetches. */
export const BACKEND = { name: "backend", greeting: "hello from the backend Service" };

/** The Python program that reports what it sees (`tests/apps/cluster_probe/probe.py`). */
export const PROBE = new URL("../apps/cluster_probe/probe.py", import.meta.url).pathname;

/** The probe's arguments for these workloads. */
export const PROBE_ARGS = [POD_ENV.name, POD_FILE.path, BACKEND.name];

/** What the probe prints. */
export interface ProbeReport {
  hostname: string;
  env: string | null;
  file?: string;
  file_error?: string;
  dns?: string[];
  http?: { service: string; host: string; greeting: string; caller: string; path: string };
  network_error?: string;
}

function deployment(name: string, image: string, extra: Record<string, unknown>) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name,
            image,
            imagePullPolicy: "IfNotPresent",
            ports: [{ containerPort: 80 }],
            ...extra,
          }],
          ...(extra.volumeMounts
            ? { volumes: [{ name: "demo", configMap: { name: "mirrord-demo" } }] }
            : {}),
        },
      },
    },
  };
}

function service(name: string) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 80 }] },
  };
}

/** The objects, as one List. */
export function workloadObjects(): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "mirrord-demo" },
        data: { greeting: POD_FILE.content },
      },
      deployment("echo", IMAGES.httpEcho, {
        env: [{ name: POD_ENV.name, value: POD_ENV.value }],
        volumeMounts: [{ name: "demo", mountPath: "/etc/mirrord-demo", readOnly: true }],
        readinessProbe: { httpGet: { path: "/health", port: 80 }, periodSeconds: 1 },
      }),
      service("echo"),
      deployment(BACKEND.name, IMAGES.serviceTarget, {
        env: [{ name: "GREETING", value: BACKEND.greeting }],
      }),
      service(BACKEND.name),
    ],
  };
}

/** The deployed workloads. */
export interface Workloads {
  namespace: string;
  /** the echo pod's name */
  echoPod: string;
  /** the echo pod's IP (the backend sees it as the caller) */
  echoPodIp: string;
  /** the backend Service's cluster IP */
  backendIp: string;
}

/**
 * Deploys the workloads into a namespace and waits until they run.
 *
 * @param namespace an existing namespace
 * @returns names and addresses
 */
export async function deployWorkloads(namespace: string): Promise<Workloads> {
  await kubectl(["apply", "-n", namespace, "-f", "-"], {
    stdin: JSON.stringify(workloadObjects()),
  });
  for (const name of ["echo", BACKEND.name]) {
    await kubectl(["rollout", "status", `deployment/${name}`, "-n", namespace, "--timeout=120s"]);
  }
  const pod = JSON.parse(
    (await kubectl(["get", "pods", "-n", namespace, "-l", "app=echo", "-o", "json"])).stdout,
  ).items.find((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
  const backendIp = (await kubectl([
    "get",
    "service",
    BACKEND.name,
    "-n",
    namespace,
    "-o",
    "jsonpath={.spec.clusterIP}",
  ])).stdout.trim();
  return { namespace, echoPod: pod.metadata.name, echoPodIp: pod.status.podIP, backendIp };
}

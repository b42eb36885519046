/**
 * Smoke test of the local cluster: it comes up, runs workloads the way mirrord uses them
 * (Deployments, port-forward, exec, Services + DNS, Jobs, ephemeral containers, the agent image
 * with host access), enforces RBAC, and `down` leaves nothing behind. The tests run in order
 * and share one cluster; the last one tears it down.
 */
import assert from "node:assert/strict";
import {
  clusterDown,
  clusterUp,
  describeTraces,
  findTraces,
  IMAGES,
  kubectl,
  narrowKubeconfigPath,
  skipUnlessClusterCanRun,
  withNamespace,
} from "./mod.ts";
import { KUBECTL } from "./kubectl.ts";
import { kubeconfigPath } from "./testing.ts";
import { type HostSnapshot, parseNftTables } from "./host_settings.ts";
import { STATE } from "./layout.ts";

const ignore = skipUnlessClusterCanRun();

/** Applies objects in a namespace. */
async function apply(namespace: string, objects: Record<string, unknown>[]): Promise<void> {
  await kubectl(["apply", "-n", namespace, "-f", "-"], {
    stdin: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  });
}

function echoDeployment(replicas: number): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "echo" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "echo" } },
      template: {
        metadata: { labels: { app: "echo" } },
        spec: {
          containers: [{
            name: "echo",
            image: IMAGES.httpEcho,
            imagePullPolicy: "IfNotPresent",
            env: [{ name: "SMOKE_MARKER", value: "from-the-pod" }],
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: "/health", port: 80 }, periodSeconds: 1 },
          }],
        },
      },
    },
  };
}

const echoService = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "echo" },
  spec: { selector: { app: "echo" }, ports: [{ port: 80, targetPort: 80 }] },
};

async function echoPods(namespace: string): Promise<string[]> {
  const { stdout } = await kubectl([
    "get",
    "pods",
    "-n",
    namespace,
    "-l",
    "app=echo",
    "-o",
    "jsonpath={.items[*].metadata.name}",
  ]);
  return stdout.trim().split(/\s+/).filter(Boolean);
}

async function deployEcho(namespace: string, replicas: number): Promise<string[]> {
  await apply(namespace, [echoDeployment(replicas), echoService]);
  await kubectl(["rollout", "status", "deployment/echo", "-n", namespace, "--timeout=120s"]);
  return await echoPods(namespace);
}

/** Runs a Job to completion and returns its logs. */
async function runJob(
  namespace: string,
  name: string,
  podSpec: Record<string, unknown>,
): Promise<string> {
  await apply(namespace, [{
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", ...podSpec } } },
  }]);
  const waited = await kubectl(
    ["wait", "-n", namespace, "--for=condition=complete", `job/${name}`, "--timeout=120s"],
    { check: false },
  );
  const logs = await kubectl(["logs", "-n", namespace, `job/${name}`], { check: false });
  assert.equal(
    waited.code,
    0,
    `job ${name} did not complete: ${waited.stderr}\nlogs:\n${logs.stdout}${logs.stderr}`,
  );
  return logs.stdout;
}

Deno.test({
  name: "clusterUp() brings up a cluster whose kubeconfig works with kubectl",
  ignore,
  fn: async () => {
    const cluster = await clusterUp();
    assert.equal(cluster.kubeconfig, kubeconfigPath());
    const nodes = await kubectl(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]);
    assert.equal(nodes.stdout.trim(), cluster.nodeName);
    const version = await kubectl(["version", "-o", "json"]);
    assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, "v1.34.4");
    // Idempotent: a second up finds everything running.
    const lines: string[] = [];
    await clusterUp((line) => lines.push(line));
    assert.ok(lines.some((line) => line.includes("already running")), lines.join("\n"));
  },
});

Deno.test({
  name: "cluster: a Deployment of 2 echo pods becomes Ready, port-forward and exec reach them",
  ignore,
  fn: async () => {
    await withNamespace("smoke-echo", async (namespace) => {
      const pods = await deployEcho(namespace, 2);
      assert.equal(pods.length, 2);

      const forward = new Deno.Command(KUBECTL, {
        args: [
          `--kubeconfig=${kubeconfigPath()}`,
          "port-forward",
          "-n",
          namespace,
          `pod/${pods[0]}`,
          ":80",
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      try {
        const reader = forward.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let text = "";
        while (!/Forwarding from 127\.0\.0\.1:(\d+)/.test(text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`port-forward ended: ${text}`);
          text += value;
        }
        const port = text.match(/Forwarding from 127\.0\.0\.1:(\d+)/)![1];
        const env = await (await fetch(`http://127.0.0.1:${port}/env`)).json();
        assert.equal(env.SMOKE_MARKER, "from-the-pod");
        assert.equal(env.HOSTNAME, pods[0]);
        reader.releaseLock();
      } finally {
        forward.kill();
        await forward.status;
        await forward.stdout.cancel().catch(() => {});
        await forward.stderr.cancel();
      }

      const exec = await kubectl(["exec", "-n", namespace, pods[1], "--", "cat", "/etc/hostname"]);
      assert.equal(exec.stdout.trim(), pods[1]);
    });
  },
});

Deno.test({
  name: "cluster: a pod resolves a Service through CoreDNS and reaches it through kube-proxy",
  ignore,
  fn: async () => {
    await withNamespace("smoke-dns", async (namespace) => {
      const pods = await deployEcho(namespace, 2);
      const clusterIp =
        (await kubectl(["get", "svc", "echo", "-n", namespace, "-o", "jsonpath={.spec.clusterIP}"]))
          .stdout.trim();
      // A new Service reaches CoreDNS and kube-proxy a moment after the rollout: retry a while.
      const script = `
        for (let attempt = 0; ; attempt++) {
          try {
            const [ip] = await Deno.resolveDns("echo.${namespace}.svc.cluster.local", "A");
            const reply = await (await fetch("http://echo/via-service")).json();
            console.log(JSON.stringify({ ip, host: reply.host, path: reply.path }));
            break;
          } catch (error) {
            if (attempt === 40) throw error;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }`;
      const { stdout } = await kubectl([
        "exec",
        "-n",
        namespace,
        pods[0],
        "--",
        "deno",
        "eval",
        script,
      ]);
      const seen = JSON.parse(stdout.trim().split("\n").pop()!);
      assert.equal(seen.ip, clusterIp);
      assert.equal(seen.path, "/via-service");
      assert.ok(pods.includes(seen.host), `answer from ${seen.host}, pods ${pods}`);
    });
  },
});

Deno.test({
  name: "cluster: a Job runs to completion and the agent image runs with the agent's host access",
  ignore,
  fn: async () => {
    await withNamespace("smoke-job", async (namespace) => {
      const plain = await runJob(namespace, "hello", {
        containers: [{
          name: "hello",
          image: IMAGES.httpEcho,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", "echo job-done"],
        }],
      });
      assert.equal(plain.trim(), "job-done");

      // The shape of mirrord's targeted agent Job: host PID namespace, /run and /var from the
      // host, NET_ADMIN/SYS_ADMIN/SYS_PTRACE.
      const agent = await runJob(namespace, "agent-shape", {
        hostPID: true,
        containers: [{
          name: "mirrord-agent",
          image: IMAGES.agent,
          imagePullPolicy: "IfNotPresent",
          command: [
            "sh",
            "-c",
            "deno --version | head -1; " +
            // how the agent finds a target container: containerd's API through /host/run
            "ctr --address /host/run/containerd/containerd.sock -n k8s.io task ls > /tmp/tasks; " +
            "head -1 /tmp/tasks; " +
            // and reaches a container's network namespace through the host's /proc
            "readlink /proc/$(awk 'NR==2 {print $2}' /tmp/tasks)/ns/net | grep -q '^net:' && " +
            "echo target-netns-ok; " +
            "iptables -t nat -N SMOKE && iptables -t nat -S SMOKE && iptables-legacy -V; nft --version",
          ],
          securityContext: { capabilities: { add: ["SYS_ADMIN", "SYS_PTRACE", "NET_ADMIN"] } },
          volumeMounts: [
            { name: "hostrun", mountPath: "/host/run" },
            { name: "hostvar", mountPath: "/host/var" },
          ],
        }],
        volumes: [
          { name: "hostrun", hostPath: { path: "/run" } },
          { name: "hostvar", hostPath: { path: "/var" } },
        ],
      });
      const lines = agent.trim().split("\n");
      assert.match(lines[0], /^deno 2\.9\.6 /);
      assert.match(lines[1], /^TASK\s+PID\s+STATUS/);
      assert.equal(lines[2], "target-netns-ok");
      assert.equal(lines[3], "-N SMOKE");
      assert.match(lines[4], /^iptables v1\.8\.9 \(legacy\)/);
      assert.match(lines[5], /^nftables v/);
    });
  },
});

Deno.test({
  name: "cluster: the agent image starts the agent as mirrord's Job spec runs it",
  ignore,
  fn: async () => {
    await withNamespace("smoke-agent", async (namespace) => {
      await apply(namespace, [{
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "agent" },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "mirrord-agent",
            image: IMAGES.agent,
            imagePullPolicy: "IfNotPresent",
            command: ["./mirrord-agent"],
            args: ["-l", "61337", "-t", "30", "targetless"],
          }],
        },
      }]);
      let logs = "";
      const deadline = Date.now() + 90_000;
      while (!/agent ready - version \S+/.test(logs) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        logs = (await kubectl(["logs", "-n", namespace, "agent"], { check: false })).stdout;
      }
      assert.match(logs, /agent ready - version \S+/);
    });
  },
});

Deno.test({
  name: "cluster: kubectl debug adds an ephemeral container sharing the target's processes",
  ignore,
  fn: async () => {
    await withNamespace("smoke-debug", async (namespace) => {
      const [pod] = await deployEcho(namespace, 1);
      await kubectl([
        "debug",
        "-n",
        namespace,
        pod,
        `--image=${IMAGES.agent}`,
        "--image-pull-policy=IfNotPresent",
        "--container=debugger",
        "--target=echo",
        "--",
        "sleep",
        "600",
      ]);
      await kubectl([
        "wait",
        "-n",
        namespace,
        `pod/${pod}`,
        "--for=jsonpath={.status.ephemeralContainerStatuses[0].state.running}",
        "--timeout=60s",
      ]);
      const { stdout } = await kubectl([
        "exec",
        "-n",
        namespace,
        pod,
        "-c",
        "debugger",
        "--",
        "cat",
        "/proc/1/cmdline",
      ]);
      assert.match(stdout, /http_echo\/main\.ts/);
    });
  },
});

Deno.test({
  name: "cluster: the narrow user reads pods in default and is Forbidden elsewhere",
  ignore,
  fn: async () => {
    const narrow = { kubeconfig: narrowKubeconfigPath(), check: false };
    assert.equal((await kubectl(["get", "pods", "-n", "default"], narrow)).code, 0);
    for (
      const args of [
        ["get", "pods", "-n", "kube-system"],
        ["create", "job", "nope", "-n", "default", `--image=${IMAGES.agent}`],
        ["get", "nodes"],
      ]
    ) {
      const result = await kubectl(args, narrow);
      assert.notEqual(result.code, 0, `kubectl ${args.join(" ")} was allowed`);
      assert.match(result.stderr, /forbidden/i, result.stderr);
    }
    const canForward = await kubectl([
      "auth",
      "can-i",
      "create",
      "pods/portforward",
      "-n",
      "default",
    ], narrow);
    assert.equal(canForward.stdout.trim(), "no");
  },
});

Deno.test({
  name: "clusterDown() stops the cluster and leaves nothing behind",
  ignore,
  fn: async () => {
    const before: HostSnapshot = JSON.parse(await Deno.readTextFile(STATE.hostSnapshot));
    const left = await clusterDown();
    assert.deepEqual(left, []);
    assert.deepEqual(describeTraces(await findTraces()), []);
    // The host is as it was before the first up: kernel settings, nftables tables, folders.
    for (const [path, value] of Object.entries(before.sysctls)) {
      assert.equal((await Deno.readTextFile(`/proc/sys/${path}`)).trim(), value, path);
    }
    const nft = await new Deno.Command("nft", { args: ["-j", "list", "tables"], stdout: "piped" })
      .output();
    const tables = parseNftTables(new TextDecoder().decode(nft.stdout));
    assert.deepEqual(tables.filter((table) => !before.nftTables.includes(table)), []);
    for (const folder of ["/run/containerd", "/var/lib/cni"]) {
      if (before.existingFolders.includes(folder)) continue;
      await assert.rejects(Deno.stat(folder), Deno.errors.NotFound, `${folder} is left`);
    }
  },
});

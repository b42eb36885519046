/**
 * A test "pod" made of real namespaces: a network namespace joined to the host by a veth pair, a
 * target process in its own mount and UTS namespaces (its own /etc/hosts, /etc/resolv.conf,
 * /etc/hostname, and tmpfs /srv and /tmp holding files only it has), a DNS server and TCP/UDP echo
 * servers that only the inside can reach.
 *
 * ```ts
 * await using pod = await createPod({ env: { APP_MODE: "test" }, files: { "app/a.txt": "x" } });
 * // pod.targetPid, pod.podIp, pod.dnsName, pod.echoTcp …
 * ```
 *
 * Needs root. Everything is removed by `close()` (also on failure, via `await using`); leftovers
 * of a killed test run are reclaimed by the next one (see slot.ts).
 *
 * @module
 */
import { type BackgroundProcess, run, spawnUntilReady } from "./process.ts";
import { claimSlot, releaseSlot, type SlotNames } from "./slot.ts";

const SERVERS = new URL("./servers/", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";
const READY = "mirrord-ts-pod-ready";

/** Where the pod's own files are mounted inside it (a tmpfs only the pod sees). */
export const POD_FILES_DIR = "/srv";
/** Echo server ports inside the pod (bound on all pod addresses, rejected from the veth). */
export const ECHO_TCP_PORT = 7001;
export const ECHO_UDP_PORT = 7002;
/** Unix-stream echo server path inside the pod's own /tmp. */
export const ECHO_UNIX_PATH = "/tmp/echo.sock";

/** Options of {@link createPod}. */
export interface PodOptions {
  /** the target process' complete environment (nothing else is inherited) */
  env?: Record<string, string>;
  /** files only the pod has, relative to {@link POD_FILES_DIR} */
  files?: Record<string, string | Uint8Array>;
  /** the target process (default `sleep infinity`) */
  command?: string[];
  /** the pod's hostname (default `mrdts-pod-<slot>`) */
  hostname?: string;
  /** extra /etc/hosts entries of the pod: name → IP */
  hosts?: Record<string, string>;
  /** extra A records of the pod's DNS server: name → IPv4 */
  dnsRecords?: Record<string, string>;
  /**
   * give the pod its own PID namespace with the target as PID 1 (what an ephemeral agent
   * container sees with `targetContainerName`)
   */
  pidNamespace?: boolean;
}

/** A running test pod. */
export interface Pod extends AsyncDisposable {
  names: SlotNames;
  /** `/run/netns/<name>`: pass to `nsenter --net=` */
  netnsPath: string;
  podIp: string;
  hostIp: string;
  hostname: string;
  /** DNS search domain of the pod, `pod<slot>.mirrord.test` */
  domain: string;
  /** resolvable only through the pod's DNS server (→ podIp) */
  dnsName: string;
  /** resolvable only through the pod's /etc/hosts (→ podIp) */
  hostsName: string;
  /** TCP echo server reachable from inside only */
  echoTcp: { hostname: string; port: number };
  /** UDP echo server reachable from inside only */
  echoUdp: { hostname: string; port: number };
  /** unix-stream echo server path, in the target's mount namespace only */
  echoUnixPath: string;
  filesDir: string;
  /** the process started for the target (unshare when `pidNamespace`, else the target) */
  target: BackgroundProcess;
  /** the target's PID as the host sees it */
  targetPid: number;
  /** whether the target is PID 1 of its own PID namespace */
  pidNamespace: boolean;
  /** runs a command like `kubectl exec` into the target (its net, mount and UTS namespaces) */
  exec(cmd: string, args: string[]): Promise<string>;
  /** starts a background process in the pod's network namespace */
  spawn(cmd: string, args: string[], ready: string | RegExp): Promise<BackgroundProcess>;
  /** removes everything; safe to call twice */
  close(): Promise<void>;
}

async function writeStage(names: SlotNames, options: PodOptions, details: {
  hostname: string;
  domain: string;
  hostsName: string;
}): Promise<string> {
  const stage = `${names.dir}/stage`;
  await Deno.mkdir(`${stage}/etc`, { recursive: true });
  await Deno.mkdir(`${stage}/files`, { recursive: true });
  const hosts = [
    "127.0.0.1 localhost",
    "::1 localhost ip6-localhost",
    `${names.podIp} ${details.hostname}`,
    `${names.podIp} ${details.hostsName}`,
    ...Object.entries(options.hosts ?? {}).map(([name, ip]) => `${ip} ${name}`),
  ];
  await Deno.writeTextFile(`${stage}/etc/hosts`, hosts.join("\n") + "\n");
  await Deno.writeTextFile(
    `${stage}/etc/resolv.conf`,
    `nameserver 127.0.0.1\nsearch ${details.domain}\noptions ndots:1 timeout:2 attempts:2\n`,
  );
  await Deno.writeTextFile(`${stage}/etc/hostname`, `${details.hostname}\n`);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const full = `${stage}/files/${path.replace(/^\/+/, "")}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
  return stage;
}

const TARGET_SCRIPT = `set -e
stage="$1"; name="$2"; shift 2
/bin/mount -t tmpfs -o mode=755 mrdts-srv ${POD_FILES_DIR}
/bin/mount -t tmpfs -o mode=1777 mrdts-tmp /tmp
/bin/cp -a "$stage/files/." ${POD_FILES_DIR}/
for f in hosts resolv.conf hostname; do /bin/mount --bind "$stage/etc/$f" "/etc/$f"; done
/bin/hostname "$name"
echo ${READY}
exec "$@"
`;

/**
 * The single child a forking wrapper (unshare --fork, nsenter --pid) started.
 *
 * @param parent the wrapper's PID
 * @returns the child's PID
 */
export async function forkedChild(parent: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const children = await Deno.readTextFile(`/proc/${parent}/task/${parent}/children`)
      .catch(() => "");
    const pid = Number(children.trim().split(/\s+/)[0]);
    if (pid > 0) return pid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Cannot find the child of process ${parent}`);
}

/**
 * Creates a pod. Use with `await using`, or call `close()` in a `finally`.
 *
 * @param options see {@link PodOptions}
 * @returns the running pod
 */
export async function createPod(options: PodOptions = {}): Promise<Pod> {
  const names = await claimSlot();
  const netnsPath = `/run/netns/${names.netns}`;
  const processes: BackgroundProcess[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const process of processes.reverse()) await process.kill();
    await releaseSlot(names);
  };
  try {
    const inside = (cmd: string, args: string[]) =>
      run("/usr/bin/nsenter", [`--net=${netnsPath}`, cmd, ...args]);
    await run("ip", ["netns", "add", names.netns]);
    await run("ip", [
      "link",
      "add",
      names.hostVeth,
      "type",
      "veth",
      "peer",
      "name",
      names.podVeth,
      "netns",
      names.netns,
    ]);
    await run("ip", ["addr", "add", `${names.hostIp}/30`, "dev", names.hostVeth]);
    await run("ip", ["link", "set", names.hostVeth, "up"]);
    await inside("ip", ["link", "set", "lo", "up"]);
    await inside("ip", ["addr", "add", `${names.podIp}/30`, "dev", names.podVeth]);
    await inside("ip", ["link", "set", names.podVeth, "up"]);
    await inside("ip", ["route", "add", "default", "via", names.hostIp]);
    for (const [proto, port] of [["tcp", ECHO_TCP_PORT], ["udp", ECHO_UDP_PORT]] as const) {
      await inside("iptables", [
        "-A",
        "INPUT",
        "-i",
        names.podVeth,
        "-p",
        proto,
        "--dport",
        String(port),
        "-j",
        "REJECT",
      ]);
    }

    const hostname = options.hostname ?? `mrdts-pod-${names.slot}`;
    const domain = `pod${names.slot}.mirrord.test`;
    const dnsName = `echo.${domain}`;
    const hostsName = `hosts-only.${domain}`;
    const stage = await writeStage(names, options, { hostname, domain, hostsName });

    const spawn = async (cmd: string, args: string[], ready: string | RegExp) => {
      const process = await spawnUntilReady("/usr/bin/nsenter", [
        `--net=${netnsPath}`,
        cmd,
        ...args,
      ], {
        ready,
      });
      processes.push(process);
      return process;
    };
    const records = { [dnsName]: names.podIp, ...(options.dnsRecords ?? {}) };
    await spawn(PYTHON, [
      `${SERVERS}dns_server.py`,
      "--listen",
      "127.0.0.1:53",
      ...Object.entries(records).flatMap(([name, ip]) => ["--record", `${name}=${ip}`]),
    ], /^ready /);
    await spawn(PYTHON, [
      `${SERVERS}echo_server.py`,
      "--tcp",
      `0.0.0.0:${ECHO_TCP_PORT}`,
      "--udp",
      `0.0.0.0:${ECHO_UDP_PORT}`,
    ], /^ready /);

    const pidNamespace = options.pidNamespace ?? false;
    const target = await spawnUntilReady("/usr/bin/nsenter", [
      `--net=${netnsPath}`,
      "/usr/bin/unshare",
      "--mount",
      "--uts",
      "--propagation",
      "private",
      ...(pidNamespace ? ["--pid", "--fork", "--kill-child", "--mount-proc"] : []),
      "/bin/sh",
      "-c",
      TARGET_SCRIPT,
      "sh",
      stage,
      hostname,
      ...(options.command ?? ["sleep", "infinity"]),
    ], { ready: READY, env: options.env ?? {}, clearEnv: true });
    processes.push(target);
    const targetPid = pidNamespace ? await forkedChild(target.pid) : target.pid;
    processes.push(
      await spawnUntilReady("/usr/bin/nsenter", [
        `--target=${targetPid}`,
        "--mount",
        "--net",
        PYTHON,
        `${SERVERS}echo_server.py`,
        "--unix",
        ECHO_UNIX_PATH,
      ], { ready: /^ready / }),
    );

    return {
      names,
      netnsPath,
      podIp: names.podIp,
      hostIp: names.hostIp,
      hostname,
      domain,
      dnsName,
      hostsName,
      echoTcp: { hostname: names.podIp, port: ECHO_TCP_PORT },
      echoUdp: { hostname: names.podIp, port: ECHO_UDP_PORT },
      echoUnixPath: ECHO_UNIX_PATH,
      filesDir: POD_FILES_DIR,
      target,
      targetPid,
      pidNamespace,
      exec: (cmd, args) =>
        run("/usr/bin/nsenter", [
          `--target=${targetPid}`,
          "--net",
          "--mount",
          "--uts",
          ...(pidNamespace ? ["--pid"] : []),
          cmd,
          ...args,
        ]),
      spawn,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

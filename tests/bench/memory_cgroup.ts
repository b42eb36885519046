/**
 * A memory cgroup for the agent during a load run: mirrord gives its agent a 100 MiB memory limit,
 * so the bench can put the agent (and its iptables guard) under the same limit and report what
 * the kernel counted — anonymous memory plus the page cache they touched — and whether it had to
 * reclaim or kill. cgroup v2 (`memory.max`) or v1 (`memory.limit_in_bytes`), whichever is mounted.
 *
 * @module
 */
import { existsSync as exists } from "node:fs";

const V2_ROOT = "/sys/fs/cgroup";
const V1_ROOT = "/sys/fs/cgroup/memory";

/** What the kernel counted for the group. */
export interface CgroupFigures {
  /** highest charge seen, bytes */
  peak: number;
  /** times the limit was hit (v1 failcnt, v2 `max` events) */
  limitHits: number;
  /** processes the OOM killer ended */
  oomKills: number;
}

/** A memory cgroup the bench created; disposing deletes it once its processes are gone. */
export class MemoryCgroup {
  private constructor(private readonly dir: string, private readonly v2: boolean) {}

  /** The group's folder: a process writing its PID into `<dir>/cgroup.procs` joins it. */
  get path(): string {
    return this.dir;
  }

  /**
   * Creates the group with a limit; processes started in it (see {@link path}) are charged from
   * their first page on.
   *
   * @param name folder name
   * @param limitBytes the limit
   * @returns the group
   */
  static create(name: string, limitBytes: number): MemoryCgroup {
    const v2 = exists(`${V2_ROOT}/cgroup.controllers`);
    const root = v2 ? V2_ROOT : V1_ROOT;
    if (!exists(root)) throw new Error(`Cannot limit memory: no memory cgroup at ${root}`);
    const dir = `${root}/${name}`;
    Deno.mkdirSync(dir, { recursive: true });
    const group = new MemoryCgroup(dir, v2);
    group.write(v2 ? "memory.max" : "memory.limit_in_bytes", String(limitBytes));
    return group;
  }

  /** @returns the kernel's figures so far */
  figures(): CgroupFigures {
    if (this.v2) {
      const events = this.keyed("memory.events");
      return {
        peak: Number(this.read("memory.peak") ?? NaN),
        limitHits: events.get("max") ?? 0,
        oomKills: events.get("oom_kill") ?? 0,
      };
    }
    return {
      peak: Number(this.read("memory.max_usage_in_bytes")),
      limitHits: Number(this.read("memory.failcnt")),
      oomKills: this.keyed("memory.oom_control").get("oom_kill") ?? 0,
    };
  }

  /** Deletes the group (its processes must have exited), also when the bench fails. */
  [Symbol.dispose](): void {
    try {
      Deno.removeSync(this.dir);
    } catch {
      // Still busy or already gone: the kernel keeps an empty group harmlessly.
    }
  }

  private write(file: string, value: string): void {
    Deno.writeTextFileSync(`${this.dir}/${file}`, value);
  }

  private read(file: string): string | null {
    try {
      return Deno.readTextFileSync(`${this.dir}/${file}`).trim();
    } catch {
      return null;
    }
  }

  private keyed(file: string): Map<string, number> {
    const lines = (this.read(file) ?? "").split("\n");
    return new Map(lines.map((line) => line.split(/\s+/)).map(([k, v]) => [k, Number(v)]));
  }
}

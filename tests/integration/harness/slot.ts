/**
 * Machine-wide unique slots for test pods, so concurrent test runs (several engineers, several
 * test files in one process) never share a network namespace name, veth name or subnet.
 *
 * A slot is a directory created with an atomic mkdir under {@link SLOT_ROOT}; it records its owner
 * PID. Slots of dead owners are reclaimed (their leftovers removed) before reuse.
 *
 * @module
 */

/** Where slot directories live (tmpfs, gone after reboot). */
export const SLOT_ROOT = "/run/mirrord-ts-harness";
const MAX_SLOTS = 16384;

/** Names and addresses derived from one slot number. */
export interface SlotNames {
  slot: number;
  /** network namespace name (`ip netns`) */
  netns: string;
  /** veth end left in the host namespace */
  hostVeth: string;
  /** veth end moved into the pod */
  podVeth: string;
  /** host side address of the /30 */
  hostIp: string;
  /** pod side address of the /30 */
  podIp: string;
  /** the slot's directory: staging files, owner record */
  dir: string;
}

/**
 * Names of slot `slot`: netns `mrdts-<slot>`, veths `mrdts<slot>h`/`mrdts<slot>p`, subnet
 * `10.213.<slot/64>.<4·(slot%64)>/30` (host .1, pod .2).
 *
 * @param slot the slot number
 * @returns its names
 */
export function slotNames(slot: number): SlotNames {
  const third = slot >> 6;
  const base = (slot & 63) * 4;
  return {
    slot,
    netns: `mrdts-${slot}`,
    hostVeth: `mrdts${slot}h`,
    podVeth: `mrdts${slot}p`,
    hostIp: `10.213.${third}.${base + 1}`,
    podIp: `10.213.${third}.${base + 2}`,
    dir: `${SLOT_ROOT}/slot-${slot}`,
  };
}

function ownerAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

async function quiet(cmd: string, args: string[]): Promise<void> {
  await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
}

/**
 * Removes what a (dead) owner of `names` may have left: processes in the netns (servers, target,
 * agent), the netns and its veth, the folder.
 *
 * @param names the slot's names
 */
export async function removeSlotLeftovers(names: SlotNames): Promise<void> {
  const pids = await new Deno.Command("ip", {
    args: ["netns", "pids", names.netns],
    stdout: "piped",
    stderr: "null",
  }).output();
  for (const pid of new TextDecoder().decode(pids.stdout).split(/\s+/).filter(Boolean)) {
    try {
      Deno.kill(Number(pid), "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await quiet("ip", ["netns", "del", names.netns]);
  await quiet("ip", ["link", "del", names.hostVeth]);
  await Deno.remove(names.dir, { recursive: true }).catch(() => {});
}

async function tryClaim(slot: number): Promise<boolean> {
  const names = slotNames(slot);
  try {
    await Deno.mkdir(names.dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    const owner = Number(await Deno.readTextFile(`${names.dir}/owner`).catch(() => "0"));
    if (owner === 0 || ownerAlive(owner)) return false;
    // Reclaim: only the process that wins this rename cleans up.
    const stale = `${names.dir}.stale-${Deno.pid}`;
    try {
      await Deno.rename(names.dir, stale);
    } catch {
      return false;
    }
    await removeSlotLeftovers({ ...names, dir: stale });
    return await tryClaim(slot);
  }
  await Deno.writeTextFile(`${names.dir}/owner`, String(Deno.pid));
  return true;
}

async function subnetInUse(names: SlotNames): Promise<boolean> {
  const out = await new Deno.Command("ip", {
    args: ["-4", "-o", "route", "show", "to", "match", names.podIp],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").some((line) =>
    line.startsWith("10.213.") || line.includes(names.podIp)
  );
}

/**
 * Claims a free slot for this process.
 *
 * @returns the slot's names; release it with {@link releaseSlot}
 * @throws {Error} when every slot is taken
 */
export async function claimSlot(): Promise<SlotNames> {
  await Deno.mkdir(SLOT_ROOT, { recursive: true });
  const start = Math.floor(Math.random() * MAX_SLOTS);
  for (let i = 0; i < MAX_SLOTS; i++) {
    const slot = (start + i) % MAX_SLOTS;
    if (!(await tryClaim(slot))) continue;
    const names = slotNames(slot);
    if (await subnetInUse(names)) {
      // Someone outside the harness uses this subnet: keep the claim out of the way.
      await Deno.writeTextFile(`${names.dir}/owner`, "1");
      continue;
    }
    return names;
  }
  throw new Error(`Cannot create a test pod: all ${MAX_SLOTS} slots under ${SLOT_ROOT} are taken`);
}

/**
 * Removes everything of a slot and frees it.
 *
 * @param names the claimed slot
 */
export async function releaseSlot(names: SlotNames): Promise<void> {
  await removeSlotLeftovers(names);
}

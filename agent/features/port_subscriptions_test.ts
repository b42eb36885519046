import { deepEqual, equal } from "node:assert/strict";
import type { ClientHandle } from "../client_handle.ts";
import { PortSubscriptions } from "./port_subscriptions.ts";

const client = (id: number) => ({ id }) as unknown as ClientHandle;
const matcher = { needsBody: false, matches: () => true };

Deno.test("PortSubscriptions.steal() refuses clashing stealers, lets filters share", () => {
  const table = new PortSubscriptions();
  const [a, b, c] = [client(1), client(2), client(3)];
  deepEqual(table.steal(a, 80, matcher), { ok: true });
  deepEqual(table.steal(b, 80, matcher), { ok: true });
  deepEqual(table.steal(c, 80, null), { ok: false, holder: a });
  equal(table.get(80)!.filteredStealers.size, 2);
  table.unsubscribeSteal(a, 80);
  table.unsubscribeSteal(b, 80);
  equal(table.has(80), false);
  deepEqual(table.steal(c, 80, null), { ok: true });
  deepEqual(table.steal(a, 80, null), { ok: false, holder: c });
  deepEqual(table.steal(a, 80, matcher), { ok: false, holder: c });
  deepEqual(table.steal(c, 80, matcher), { ok: true }, "a client may replace its own");
});

Deno.test("PortSubscriptions.release() reports the ports left empty", () => {
  const table = new PortSubscriptions();
  const [a, b] = [client(1), client(2)];
  table.mirror(a, 80, null);
  table.steal(a, 81, null);
  table.mirror(b, 81, null);
  deepEqual(table.release(a), [80]);
  equal(table.has(81), true);
  deepEqual(table.release(b), [81]);
});

import { describe, expect, it } from "vitest";
import type { Lease } from "../bindings/Lease";
import { leaseStatus } from "./lease";

const lease = (over: Partial<Lease> = {}): Lease => ({
  copy_id: "c",
  holder: { user: "alice", station: "s1" },
  token: 3n,
  granted_at: "2025-01-01T10:00:00Z",
  expires_at: "2025-01-01T10:30:00Z",
  state: "active",
  ...over,
});
const t = (iso: string) => new Date(iso).getTime();

describe("leaseStatus", () => {
  it("tells mine from others' and from expired or ended", () => {
    expect(leaseStatus({ lease: null, user: "alice" }).kind).toBe("none");
    const mine = leaseStatus({ lease: lease(), user: "alice" }, t("2025-01-01T10:10:00Z"));
    expect(mine).toMatchObject({ kind: "mine", mine: true, token: 3 });
    expect(leaseStatus({ lease: lease(), user: "bob" }, t("2025-01-01T10:10:00Z")).kind).toBe("other");
    expect(leaseStatus({ lease: lease(), user: "alice" }, t("2025-01-01T10:31:00Z")).kind).toBe("expired");
    expect(leaseStatus({ lease: lease({ state: "finalized" }), user: "alice" }).mine).toBe(false);
  });
});

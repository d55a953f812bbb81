// Whether the copy's lease is this user's and still good, and how it reads.

import type { GradingView } from "../bindings/GradingView";

export type LeaseKind = "none" | "mine" | "other" | "expired" | "ended";

export interface LeaseStatus {
  kind: LeaseKind;
  mine: boolean;
  holder: string | null;
  station: string | null;
  expiresAt: string | null;
  token: number | null;
}

export function leaseStatus(view: Pick<GradingView, "lease" | "user"> | null, now: number = Date.now()): LeaseStatus {
  const l = view?.lease;
  if (!l) return { kind: "none", mine: false, holder: null, station: null, expiresAt: null, token: null };
  const base = { holder: l.holder.user, station: l.holder.station, expiresAt: l.expires_at, token: Number(l.token) };
  if (l.state !== "active") return { kind: "ended", mine: false, ...base };
  const expired = new Date(l.expires_at).getTime() <= now;
  if (expired) return { kind: "expired", mine: false, ...base };
  const mine = l.holder.user === view!.user;
  return { kind: mine ? "mine" : "other", mine, ...base };
}

import { describe, expect, it } from "vitest";
import { formatWhen } from "./when";

describe("formatWhen", () => {
  it("shows a UTC timestamp in the user's language and zone", () => {
    expect(formatWhen("2026-11-21T13:05:09Z", "fr", "Europe/Paris")).toBe("21/11/2026 14:05:09");
    expect(formatWhen("2026-11-21T13:05:09Z", "en", "UTC")).toBe("21/11/2026, 13:05:09");
  });
  it("keeps what it cannot read", () => {
    expect(formatWhen("hier", "fr")).toBe("hier");
  });
});

import { describe, expect, it } from "vitest";
import { anonymousCode, codeOf, sha256, writerName } from "./anon";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (s: string) => new TextEncoder().encode(s);

// Digests from Python's hashlib.
const VECTORS: [string, string][] = [
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["x".repeat(55), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"],
  ["y".repeat(56), "4877e564e5e36e367c7c8d59670774becd3350610b6df4c399c9fa9b66da5813"],
  ["z".repeat(64), "72996563049cc84daa2c3f31fd5c3d10770e69d6ebbb8da5b6d76db303dbae43"],
  ["01J8Z3K5Q7R9T1V3X5Z7B9D1F3", "6d4db7da141a453871dc7db5e1251f063893d342665a6deef053f82373d1518b"],
  ["é✓".repeat(40), "29e3f63be1786bccf8ad28adada3f13da0f2972e4525e5a0033b7c455109d158"],
];

describe("anonymous codes", () => {
  it("computes sha256 on block boundaries and multi-byte text", () => {
    for (const [s, digest] of VECTORS) expect(hex(sha256(bytes(s))), s.slice(0, 10)).toBe(digest);
  });
  it("writes ANON- and the first three bytes in upper-case hex", () => {
    expect(anonymousCode("c-42")).toBe("ANON-8FB789");
    expect(codeOf({ id: "c-42" })).toBe("ANON-8FB789");
    expect(codeOf({ id: "c-42", anonymous_code: "ANON-ABCDEF" } as { id: string })).toBe("ANON-ABCDEF");
  });
  it("names writers, or hides them", () => {
    const copy = { id: "c-42", student: { last_name: "Lefèvre", first_name: "Éloïse" } };
    expect(writerName(copy, false, "?")).toBe("LEFÈVRE Éloïse");
    expect(writerName(copy, true, "?")).toBe("ANON-8FB789");
    expect(writerName({ id: "c", student: null }, false, "Non identifiée")).toBe("Non identifiée");
  });
});

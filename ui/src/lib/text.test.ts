import { describe, expect, it } from "vitest";
import { baseName, formatDate, formatPercent, joinPath, listedItems, safeFileName, splitPaths } from "./text";

describe("text helpers", () => {
  it("splits paths one per line", () => {
    expect(splitPaths(' /a/b.pdf \n\n"/c d/e.pdf"\r\nC:\\x\\y.pdf\n')).toEqual(["/a/b.pdf", "/c d/e.pdf", "C:\\x\\y.pdf"]);
    expect(splitPaths("/scans/a.pdf/scans/b.PDFC:\\s\\c.pdf")).toEqual(["/scans/a.pdf", "/scans/b.PDF", "C:\\s\\c.pdf"]);
    expect(splitPaths("/scans/x.pdfs/a.pdf")).toEqual(["/scans/x.pdfs/a.pdf"]);
  });
  it("names files and joins folders", () => {
    expect(baseName("/a/b/scan 1.pdf")).toBe("scan 1.pdf");
    expect(baseName("C:\\x\\y.pdf")).toBe("y.pdf");
    expect(joinPath("/out", "a.pdf")).toBe("/out/a.pdf");
    expect(joinPath("/out/", "a.pdf")).toBe("/out/a.pdf");
    expect(joinPath("C:\\out", "a.pdf")).toBe("C:\\out\\a.pdf");
    expect(safeFileName("Bac blanc: maths / 2nde")).toBe("Bac_blanc_maths_2nde");
  });
  it("lists what a refusal names", () => {
    expect(listedItems("copy c1 cannot be finalized: not scored yet: Ex 1 > 1.; Ex 2")).toEqual(["Ex 1 > 1.", "Ex 2"]);
    expect(listedItems("roster.csv: 2 row(s) cannot be read:\nline 3: no name\nline 9: bad date")).toEqual(["line 3: no name", "line 9: bad date"]);
    expect(listedItems("nothing listed")).toEqual([]);
  });
  it("formats dates and percents", () => {
    expect(formatDate("2025-03-12", "fr")).toBe("12/03/2025");
    expect(formatDate("2025-03-12", "en")).toBe("2025-03-12");
    expect(formatPercent(0.874, "en")).toBe("87%");
  });
});

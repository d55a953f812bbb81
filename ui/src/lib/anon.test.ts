import { describe, expect, it } from "vitest";
import { writerName } from "./anon";

describe("writer names", () => {
  it("names writers, or hides them behind the station's code", () => {
    const copy = { anonymous_code: "ANON-8FB789", student: { last_name: "Lefèvre", first_name: "Éloïse" } };
    expect(writerName(copy, false, "?")).toBe("LEFÈVRE Éloïse");
    expect(writerName(copy, true, "?")).toBe("ANON-8FB789");
    expect(writerName({ anonymous_code: "ANON-000000", student: null }, false, "Non identifiée")).toBe("Non identifiée");
  });
});

import { describe, expect, it } from "vitest";
import { fold, matchScore, searchStudents } from "./search";

const roster = [
  { id: "1", last_name: "Lefèvre", first_name: "Éloïse" },
  { id: "2", last_name: "Martin", first_name: "Léo" },
  { id: "3", last_name: "Le Goff", first_name: "Martin" },
  { id: "4", last_name: "Dupont", first_name: "Anne-Lise" },
];

describe("roster search", () => {
  it("folds accents and case", () => {
    expect(fold("  Éloïse LEFÈVRE ")).toBe("eloise lefevre");
  });
  it("matches every word, accents ignored", () => {
    expect(searchStudents(roster, "lefe elo").map((s) => s.id)).toEqual(["1"]);
    expect(searchStudents(roster, "lise").map((s) => s.id)).toEqual(["4"]);
    expect(searchStudents(roster, "zz")).toEqual([]);
    expect(matchScore(roster[0], "")).toBe(0);
  });
  it("puts the last name typed first ahead", () => {
    expect(searchStudents(roster, "martin").map((s) => s.id)).toEqual(["2", "3"]);
  });
  it("lets candidates break ties", () => {
    expect(searchStudents(roster, "mart", 8, new Map([["3", 0.9]])).map((s) => s.id)).toEqual(["3", "2"]);
  });
});

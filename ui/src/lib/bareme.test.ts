import { describe, expect, it } from "vitest";
import type { Bareme } from "../bindings/Bareme";
import { addChild, addRoot, addSibling, flatten, fromBareme, ids, leafSteps, move, newNode, problems, remove, setLabel, setMax, toBareme, total } from "./bareme";

const sample: Bareme = {
  step: 0.5,
  nodes: [
    {
      id: "ex1",
      label: "Exercice 1",
      children: [
        { id: "q1", label: "1.", max: 2 },
        { id: "q2", label: "2.", children: [{ id: "q2a", label: "a)", max: 1.5 }, { id: "q2b", label: "b)", max: 1, step: 0.25, stamps: "from_max" }] },
      ],
    },
    { id: "ex2", label: "Exercice 2", max: 5.5 },
  ],
};

describe("barème tree", () => {
  it("round-trips a barème keeping ids, steps and stamps", () => {
    const t = fromBareme(sample);
    expect(toBareme(t.step, t.nodes)).toEqual(sample);
    expect(total(t.nodes)).toBe(10);
  });

  it("adds roots, children and siblings without ids", () => {
    let { nodes } = fromBareme(sample);
    let r = addRoot(nodes, newNode("Exercice 3"));
    nodes = setMax(r.nodes, r.path, "3");
    expect(total(nodes)).toBe(13);
    const c = addChild(nodes, [1], newNode("a)"));
    expect(c).not.toBeNull();
    nodes = c!.nodes;
    // ex2 became a group: its maximum is gone, its new child has none yet
    expect(total(nodes)).toBe(7.5);
    nodes = setMax(nodes, c!.path, "2,5");
    expect(total(nodes)).toBe(10);
    r = addSibling(nodes, [0, 0], newNode("1 bis"));
    expect(r.path).toEqual([0, 1]);
    const b = toBareme(0.5, r.nodes);
    expect(b.nodes[0].children![1]).toEqual({ label: "1 bis", max: null });
    expect(b.nodes[1]).toEqual({ id: "ex2", label: "Exercice 2", children: [{ label: "a)", max: 2.5 }] });
  });

  it("refuses a fourth level", () => {
    const { nodes } = fromBareme(sample);
    expect(addChild(nodes, [0, 1, 0])).toBeNull();
  });

  it("moves among siblings and stops at the ends", () => {
    const { nodes } = fromBareme(sample);
    const m = move(nodes, [0, 1], -1);
    expect(m.path).toEqual([0, 0]);
    expect(ids(m.nodes)).toEqual(["ex1", "q2", "q2a", "q2b", "q1", "ex2"]);
    expect(move(m.nodes, [0, 0], -1).path).toEqual([0, 0]);
    const down = move(nodes, [0], 1);
    expect(ids(down.nodes)[0]).toBe("ex2");
  });

  it("deletes a subtree and keeps the other ids", () => {
    const { nodes } = fromBareme(sample);
    const n = remove(nodes, [0, 1]);
    expect(ids(n)).toEqual(["ex1", "q1", "ex2"]);
    expect(total(n)).toBe(7.5);
    // the original is untouched
    expect(ids(nodes).length).toBe(6);
  });

  it("reports empty labels and bad maxima", () => {
    let { nodes } = fromBareme(sample);
    nodes = setLabel(nodes, [1], " ");
    nodes = setMax(nodes, [0, 0], "1,25");
    const p = problems(nodes, 0.5);
    expect(p).toEqual([
      { path: [0, 0], kind: "step" },
      { path: [1], kind: "label" },
    ]);
    // q2b has its own quarter step
    expect(problems(setMax(fromBareme(sample).nodes, [0, 1, 1], "0,75"), 0.5)).toEqual([]);
  });

  it("flattens with depths", () => {
    const rows = flatten(fromBareme(sample).nodes);
    expect(rows.map((r) => r.depth)).toEqual([1, 2, 2, 3, 3, 1]);
    expect(rows.filter((r) => r.leaf).map((r) => r.node.id)).toEqual(["q1", "q2a", "q2b", "ex2"]);
  });

  it("knows each leaf's step", () => {
    const s = leafSteps(sample);
    expect(s.get("q1")).toBe(0.5);
    expect(s.get("q2b")).toBe(0.25);
    expect(s.has("ex1")).toBe(false);
  });
});

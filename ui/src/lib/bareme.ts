// The barème editor's tree: a local copy of the barème's nodes that can be edited by
// index path (add a child or a sibling, rename, set a leaf's maximum, move up or down,
// delete), its totals and checks, and the conversion back to a Bareme that keeps every
// existing id untouched (new nodes go without an id: the station mints one).

import type { Bareme } from "../bindings/Bareme";
import type { Node } from "../bindings/Node";
import type { StampMode } from "../bindings/StampMode";
import type { Step } from "../bindings/Step";
import { checkMax, isMultipleOf, parseNumber } from "./points";

export const MAX_DEPTH = 3;

export interface ENode {
  /** Local key for lists; never sent. */
  key: number;
  id?: string;
  label: string;
  /** A leaf's maximum as typed (French comma allowed). */
  max: string;
  step: Step | null;
  stamps: StampMode | undefined;
  children: ENode[];
}

export type Path = number[];

let nextKey = 1;
export function newKey(): number {
  return nextKey++;
}

export function newNode(label = ""): ENode {
  return { key: newKey(), label, max: "", step: null, stamps: undefined, children: [] };
}

function fromNode(n: Node): ENode {
  const children = (n.children ?? []).map(fromNode);
  return {
    key: newKey(),
    id: n.id,
    label: n.label,
    max: children.length === 0 && n.max != null ? String(n.max).replace(".", ",") : "",
    step: n.step ?? null,
    stamps: n.stamps,
    children,
  };
}

export function fromBareme(b: Bareme | null): { step: Step; nodes: ENode[] } {
  return { step: b?.step ?? 0.5, nodes: (b?.nodes ?? []).map(fromNode) };
}

function toNode(n: ENode): Node {
  const out: Node = { label: n.label.trim() };
  if (n.id) out.id = n.id;
  if (n.children.length > 0) {
    out.children = n.children.map(toNode);
  } else {
    const v = parseNumber(n.max);
    out.max = v !== null && Number.isFinite(v) ? v : null;
    if (n.step != null) out.step = n.step;
    if (n.stamps && n.stamps !== "from_zero") out.stamps = n.stamps;
  }
  return out;
}

export function toBareme(step: Step, nodes: ENode[]): Bareme {
  return { step, nodes: nodes.map(toNode) };
}

export interface Row {
  node: ENode;
  path: Path;
  depth: number;
  leaf: boolean;
}

/** The tree as rows in reading order (depth 1 = exercise). */
export function flatten(nodes: ENode[], base: Path = []): Row[] {
  return nodes.flatMap((node, i) => {
    const path = [...base, i];
    return [{ node, path, depth: path.length, leaf: node.children.length === 0 }, ...flatten(node.children, path)];
  });
}

export function nodeAt(nodes: ENode[], path: Path): ENode | undefined {
  let list = nodes;
  let node: ENode | undefined;
  for (const i of path) {
    node = list[i];
    if (!node) return undefined;
    list = node.children;
  }
  return node;
}

/** Applies `f` to the list that holds the node at `path` (the parent's children). */
function updateSiblings(nodes: ENode[], path: Path, f: (list: ENode[], index: number) => ENode[]): ENode[] {
  if (path.length === 1) return f([...nodes], path[0]);
  const [head, ...rest] = path;
  return nodes.map((n, i) => (i === head ? { ...n, children: updateSiblings(n.children, rest, f) } : n));
}

function updateNode(nodes: ENode[], path: Path, f: (n: ENode) => ENode): ENode[] {
  return updateSiblings(nodes, path, (list, i) => {
    list[i] = f(list[i]);
    return list;
  });
}

export function addRoot(nodes: ENode[], node: ENode = newNode()): { nodes: ENode[]; path: Path } {
  return { nodes: [...nodes, node], path: [nodes.length] };
}

/** Adds a last child (a leaf's maximum is dropped: it becomes a group). Refused below level 3. */
export function addChild(nodes: ENode[], path: Path, node: ENode = newNode()): { nodes: ENode[]; path: Path } | null {
  if (path.length >= MAX_DEPTH) return null;
  const parent = nodeAt(nodes, path);
  if (!parent) return null;
  const next = updateNode(nodes, path, (n) => ({ ...n, max: "", step: null, stamps: undefined, children: [...n.children, node] }));
  return { nodes: next, path: [...path, parent.children.length] };
}

export function addSibling(nodes: ENode[], path: Path, node: ENode = newNode()): { nodes: ENode[]; path: Path } {
  const next = updateSiblings(nodes, path, (list, i) => {
    list.splice(i + 1, 0, node);
    return list;
  });
  return { nodes: next, path: [...path.slice(0, -1), path[path.length - 1] + 1] };
}

export function remove(nodes: ENode[], path: Path): ENode[] {
  return updateSiblings(nodes, path, (list, i) => {
    list.splice(i, 1);
    return list;
  });
}

/** Moves a node among its siblings; returns its new path (unchanged at an end). */
export function move(nodes: ENode[], path: Path, dir: -1 | 1): { nodes: ENode[]; path: Path } {
  const i = path[path.length - 1];
  const parentList = path.length === 1 ? nodes : nodeAt(nodes, path.slice(0, -1))?.children ?? [];
  const j = i + dir;
  if (j < 0 || j >= parentList.length) return { nodes, path };
  const next = updateSiblings(nodes, path, (list) => {
    [list[i], list[j]] = [list[j], list[i]];
    return list;
  });
  return { nodes: next, path: [...path.slice(0, -1), j] };
}

export function setLabel(nodes: ENode[], path: Path, label: string): ENode[] {
  return updateNode(nodes, path, (n) => ({ ...n, label }));
}

export function setMax(nodes: ENode[], path: Path, max: string): ENode[] {
  return updateNode(nodes, path, (n) => ({ ...n, max }));
}

export function setStamps(nodes: ENode[], path: Path, stamps: StampMode): ENode[] {
  return updateNode(nodes, path, (n) => ({ ...n, stamps }));
}

/** A leaf's maximum as a number (0 when unreadable). */
export function leafMax(n: ENode): number {
  const v = parseNumber(n.max);
  return v !== null && Number.isFinite(v) && v > 0 ? v : 0;
}

/** Sum of the leaves' maxima under a node (or the whole tree). */
export function total(nodes: ENode[]): number {
  return nodes.reduce((s, n) => s + (n.children.length ? total(n.children) : leafMax(n)), 0);
}

export type Problem = { path: Path; kind: "label" | "max" | "step" };

/** What stops the tree from being saved. */
export function problems(nodes: ENode[], step: Step): Problem[] {
  return flatten(nodes).flatMap(({ node, path, leaf }) => {
    const out: Problem[] = [];
    if (!node.label.trim()) out.push({ path, kind: "label" });
    if (leaf) {
      const s = node.step ?? step;
      const c = checkMax(node.max, s);
      if (!c.ok) out.push({ path, kind: c.reason === "step" ? "step" : "max" });
    }
    return out;
  });
}

/** Every id of the tree, in order. */
export function ids(nodes: ENode[]): string[] {
  return flatten(nodes).flatMap((r) => (r.node.id ? [r.node.id] : []));
}

/** Leaf id → its step, for a stored barème. */
export function leafSteps(b: Bareme | null): Map<string, Step> {
  const out = new Map<string, Step>();
  const walk = (n: Node) => {
    if (n.children && n.children.length) n.children.forEach(walk);
    else if (n.id) out.set(n.id, n.step ?? b!.step);
  };
  b?.nodes.forEach(walk);
  return out;
}

/** Whether `v` fits the step (for the step selector's warnings). */
export function fitsStep(v: number, step: number): boolean {
  return isMultipleOf(v, step);
}

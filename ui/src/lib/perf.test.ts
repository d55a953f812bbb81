import { describe, expect, it } from "vitest";
import { eventTime, FrameStats } from "./perf";

describe("FrameStats", () => {
  it("measures from each event to the paint that shows it", () => {
    const f = new FrameStats();
    f.begin();
    f.sample(100);
    f.sample(104);
    f.paint(110); // 10, 6
    f.sample(112);
    f.paint(126); // 14
    f.paint(140); // nothing pending
    f.sample(150);
    const batch = f.commit();
    f.sample(155); // arrives after the frame drew: not part of its paint
    f.painted(batch, 160); // 10
    f.paint(170); // 15
    const s = f.end(3);
    expect(s.mean).toBe(11);
    expect(s.max).toBe(15);
    expect(s.samples).toBe(5);
    expect(s.frames).toBe(4);
    expect(s.strokes).toBe(1);
    f.begin();
    expect(f.end(0)).toMatchObject({ mean: 0, max: 0, strokes: 2 });
  });
  it("falls back to now for foreign timestamps", () => {
    expect(eventTime(500, 510)).toBe(500);
    expect(eventTime(1.7e12, 510)).toBe(510);
    expect(eventTime(0, 510)).toBe(510);
  });
});

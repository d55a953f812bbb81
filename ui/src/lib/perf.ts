// Stroke latency: for each pointer sample of a stroke, the time from the pointer event to
// the paint that shows it; the last stroke's mean and max are published on
// `window.__korrigoPerf` for the real-window tests.

export interface StrokePerf {
  /** Mean and max ms from pointer event to paint. */
  mean: number;
  max: number;
  /** Pointer samples measured, frames drawn, points kept. */
  samples: number;
  frames: number;
  points: number;
  /** Strokes measured since the window opened. */
  strokes: number;
}

export class FrameStats {
  private pending: number[] = [];
  private latencies: number[] = [];
  private frames = 0;
  private strokes = 0;

  begin(): void {
    this.pending = [];
    this.latencies = [];
    this.frames = 0;
  }

  /** A pointer sample, with its event time (ms, same clock as `paint`). */
  sample(eventTime: number): void {
    this.pending.push(eventTime);
  }

  /** The samples a frame is about to draw (they leave the pending list). */
  commit(): number[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  /** A frame that drew `batch` was painted at `paintTime`. */
  painted(batch: number[], paintTime: number): void {
    if (batch.length === 0) return;
    this.frames++;
    for (const t of batch) this.latencies.push(Math.max(0, paintTime - t));
  }

  /** Every pending sample was drawn by a frame painted at `paintTime`. */
  paint(paintTime: number): void {
    this.painted(this.commit(), paintTime);
  }

  end(points: number): StrokePerf {
    this.strokes++;
    const n = this.latencies.length;
    const sum = this.latencies.reduce((a, b) => a + b, 0);
    return {
      mean: n ? Math.round((sum / n) * 100) / 100 : 0,
      max: n ? Math.round(Math.max(...this.latencies) * 100) / 100 : 0,
      samples: n,
      frames: this.frames,
      points,
      strokes: this.strokes,
    };
  }
}

declare global {
  interface Window {
    __korrigoPerf?: StrokePerf;
  }
}

export function publish(p: StrokePerf): void {
  if (typeof window !== "undefined") window.__korrigoPerf = p;
}

/** An event's time on the performance clock (some engines give epoch times). */
export function eventTime(timeStamp: number, now: number): number {
  return timeStamp > 0 && timeStamp <= now + 1 && now - timeStamp < 60_000 ? timeStamp : now;
}

/** From inside a frame callback: runs `f` once this frame is painted (tasks wait for the rendering update). */
export function afterThisFrame(f: (t: number) => void): void {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    f(performance.now());
  };
  ch.port2.postMessage(0);
}

/** Runs `f` just after the next paint. */
export function afterPaint(f: (t: number) => void): void {
  requestAnimationFrame(() => afterThisFrame(f));
}

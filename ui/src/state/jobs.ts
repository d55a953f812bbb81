// Background jobs (imports, PDF exports): one listener for the station's `job` events,
// the last event of every job by number, and the job each screen follows, so that
// progress survives moving between screens.

import { reactive } from "vue";
import type { JobEvent } from "../bindings/JobEvent";
import { onJob } from "../api";

export const jobs = reactive(new Map<number, JobEvent>());

/** The job each screen follows, with what it was started on. */
export const followed = reactive({
  import: null as number | null,
  importFiles: [] as string[],
  importExam: null as string | null,
  export: null as number | null,
  exportExam: null as string | null,
});

let listening: Promise<void> | null = null;
const ends = new Set<(e: JobEvent) => void>();

export function listenJobs(): Promise<void> {
  listening ??= onJob((e) => {
    const id = Number(e.job);
    const last = jobs.get(id);
    // A late progress event never overwrites the end of a job.
    if (last && last.state !== "running" && e.state === "running") return;
    jobs.set(id, e);
    if (e.state !== "running") ends.forEach((f) => f(e));
  })
    .then(() => undefined)
    .catch(() => undefined);
  return listening;
}

/** Called for every job that ends; returns the unsubscribe function. */
export function onJobEnd(f: (e: JobEvent) => void): () => void {
  ends.add(f);
  return () => ends.delete(f);
}

export function jobEvent(id: number | null): JobEvent | undefined {
  return id == null ? undefined : jobs.get(id);
}

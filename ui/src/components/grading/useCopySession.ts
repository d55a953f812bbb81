// One copy open on the grading desk: its GradingView, its lease (taken on demand,
// renewed every 5 minutes while held, given back when the copy is left, the desk is
// closed or the window unloads), and every write made one after another under the
// lease's token — each returns the fresh view that replaces the local one.

import { computed, onBeforeUnmount, onMounted, ref } from "vue";
import { api } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { GradingView } from "../../bindings/GradingView";
import { patchCopy } from "../../state/app";
import { notify, reportError } from "../../state/toasts";
import { leaseStatus } from "../../lib/lease";
import { t } from "../../i18n";

export const RENEW_MS = 5 * 60 * 1000;

export function useCopySession(onView: (v: GradingView, fresh: boolean) => void) {
  const copyId = ref<string | null>(null);
  const view = ref<GradingView | null>(null);
  const now = ref(Date.now());
  const busy = ref(false);
  const lease = computed(() => leaseStatus(view.value, now.value));
  const graded = computed(() => view.value?.copy.status === "graded");
  const editable = computed(() => lease.value.mine && !graded.value);

  function setView(v: GradingView, fresh = false) {
    view.value = v;
    patchCopy(v.copy);
    onView(v, fresh);
  }

  async function loadView(id: string) {
    try {
      const v = await api.gradingView(id);
      if (copyId.value === id) setView(v, true);
    } catch (e) {
      reportError(e);
    }
  }

  /** Leaves the current copy (giving its lease back) for `id`. */
  async function open(id: string | null) {
    if (id === copyId.value) return;
    releaseIfMine();
    copyId.value = id;
    view.value = null;
    if (id) await loadView(id);
  }

  let chain: Promise<unknown> = Promise.resolve();

  /** Runs a write under the lease's token after the ones before it; false when refused. */
  function write(op: (token: number, copy: string) => Promise<GradingView>, onError?: (e: AppError) => void): Promise<boolean> {
    const id = copyId.value;
    const token = lease.value.token;
    if (!id || token == null || !lease.value.mine) {
      lockedHint();
      return Promise.resolve(false);
    }
    const run = chain.then(async () => {
      try {
        const v = await op(token, id);
        if (copyId.value === id) setView(v);
        else patchCopy(v.copy);
        return true;
      } catch (e) {
        const err = reportError(e, { conflict: "errors.hint.conflict" });
        onError?.(err);
        if ((err.code === "lease_lost" || err.code === "conflict" || err.code === "not_found") && copyId.value === id) await loadView(id);
        return false;
      }
    });
    chain = run;
    return run;
  }

  let lastLockedHint = 0;
  function lockedHint() {
    if (Date.now() - lastLockedHint < 4000) return;
    lastLockedHint = Date.now();
    notify(graded.value ? t("grading.gradedHint") : t("grading.takeFirst"), "info");
  }

  async function take() {
    const id = copyId.value;
    if (!id || busy.value || graded.value) return;
    busy.value = true;
    try {
      const v = await api.takeLease(id);
      if (copyId.value === id) setView(v);
    } catch (e) {
      const err = reportError(e);
      if (err.code === "conflict") await loadView(id);
    } finally {
      busy.value = false;
    }
  }

  function releaseIfMine() {
    const id = copyId.value;
    const l = lease.value;
    if (!id || !l.mine || l.token == null) return;
    const token = l.token;
    chain = chain.then(() =>
      api
        .releaseLease(id, token)
        .then((v) => {
          patchCopy(v.copy);
          if (copyId.value === id) setView(v);
        })
        .catch(() => undefined),
    );
  }

  async function release() {
    busy.value = true;
    releaseIfMine();
    await chain;
    busy.value = false;
  }

  async function renew() {
    const id = copyId.value;
    const l = lease.value;
    if (!id || !l.mine || l.token == null) return;
    try {
      const fresh = await api.renewLease(id, l.token);
      if (copyId.value === id && view.value) view.value = { ...view.value, lease: fresh };
    } catch (e) {
      reportError(e);
      if (copyId.value === id) await loadView(id);
    }
  }

  async function reopen(reason: string | null) {
    const id = copyId.value;
    if (!id) return;
    try {
      const v = await api.reopen(id, reason);
      if (copyId.value === id) setView(v);
    } catch (e) {
      reportError(e);
    }
  }

  let renewTimer: ReturnType<typeof setInterval> | undefined;
  let clockTimer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    window.addEventListener("beforeunload", releaseIfMine);
    renewTimer = setInterval(renew, RENEW_MS);
    clockTimer = setInterval(() => (now.value = Date.now()), 15_000);
  });
  onBeforeUnmount(() => {
    window.removeEventListener("beforeunload", releaseIfMine);
    clearInterval(renewTimer);
    clearInterval(clockTimer);
    releaseIfMine();
  });

  return { copyId, view, lease, graded, editable, busy, open, loadView, write, take, release, reopen, lockedHint };
}

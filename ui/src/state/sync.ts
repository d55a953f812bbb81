// The station and its server: the last known sync view (pending changes, last success,
// issues), refreshed after every round of the background sync and after each action.

import { reactive } from "vue";
import type { SyncEvent } from "../bindings/SyncEvent";
import type { SyncView } from "../bindings/SyncView";
import { api, onSync } from "../api";
import { reportError } from "./toasts";

export const sync = reactive({
  view: null as SyncView | null,
  last: null as SyncEvent | null,
  busy: false,
});

export async function loadSync(): Promise<void> {
  try {
    sync.view = await api.syncView();
  } catch (e) {
    reportError(e);
  }
}

let listening: Promise<void> | null = null;

export function listenSync(): Promise<void> {
  listening ??= onSync((e) => {
    sync.last = e;
    void loadSync();
  })
    .then(() => undefined)
    .catch(() => undefined);
  return listening;
}

async function run(action: () => Promise<SyncView>): Promise<boolean> {
  sync.busy = true;
  try {
    sync.view = await action();
    return true;
  } catch (e) {
    reportError(e);
    return false;
  } finally {
    sync.busy = false;
  }
}

export function signIn(server: string, login: string, password: string): Promise<boolean> {
  return run(() => api.signIn(server, login, password));
}

export function signOut(): Promise<boolean> {
  return run(() => api.signOut());
}

export function syncNow(): Promise<boolean> {
  return run(() => api.syncNow());
}

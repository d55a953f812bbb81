// A minimal W3C WebDriver client over fetch: sessions, elements by test id, clicks,
// keys, pointer gestures, scripts and screenshots — all the real-window tests need.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class Driver {
  constructor(base) {
    this.base = base;
    this.session = null;
  }

  async call(method, path, body) {
    const url = this.session ? `${this.base}/session/${this.session}${path}` : `${this.base}${path}`;
    const res = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      const v = json.value || {};
      throw new Error(`${method} ${path}: ${v.error || res.status} ${v.message || ""}`);
    }
    return json.value;
  }

  async start(application) {
    const value = await this.call("POST", "/session", {
      capabilities: {
        alwaysMatch: { browserName: "wry", "tauri:options": { application } },
      },
    });
    this.session = value.sessionId;
  }

  async quit() {
    if (this.session) {
      await this.call("DELETE", "").catch(() => {});
      this.session = null;
    }
  }

  async all(testId) {
    const found = await this.call("POST", "/elements", {
      using: "css selector",
      value: `[data-testid="${testId}"]`,
    });
    return found.map((e) => e[ELEMENT]);
  }

  /** The first element with `testId`, waiting up to `timeout` ms for it to appear. */
  async find(testId, timeout = 10000) {
    const end = Date.now() + timeout;
    for (;;) {
      const els = await this.all(testId);
      if (els.length > 0) return els[0];
      if (Date.now() > end) throw new Error(`no element [data-testid="${testId}"] after ${timeout} ms`);
      await sleep(100);
    }
  }

  async click(testId) {
    const el = await this.find(testId);
    await this.call("POST", `/element/${el}/click`, {});
    return el;
  }

  async clickElement(el) {
    await this.call("POST", `/element/${el}/click`, {});
  }

  async type(testId, text, { clear = true } = {}) {
    const el = await this.find(testId);
    if (clear) await this.call("POST", `/element/${el}/clear`, {});
    await this.call("POST", `/element/${el}/value`, { text });
    return el;
  }

  async typeInto(el, text) {
    await this.call("POST", `/element/${el}/value`, { text });
  }

  async attr(el, name) {
    return this.call("GET", `/element/${el}/attribute/${name}`);
  }

  async text(el) {
    return this.call("GET", `/element/${el}/text`);
  }

  async rect(el) {
    return this.call("GET", `/element/${el}/rect`);
  }

  /** An element as a script argument. */
  ref(el) {
    return { [ELEMENT]: el };
  }

  async script(source, ...args) {
    return this.call("POST", "/execute/sync", { script: source, args });
  }

  /** Runs an asynchronous script; it calls its last argument with the result. */
  async scriptAsync(source, ...args) {
    return this.call("POST", "/execute/async", { script: source, args });
  }

  /** Waits until `check()` returns a truthy value, and returns it. */
  async until(what, check, timeout = 30000) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await check().catch(() => null);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  /** A press-move-release gesture through `points` (viewport coordinates). */
  async drag(points) {
    const [first, ...rest] = points;
    const actions = [
      { type: "pointerMove", duration: 0, x: Math.round(first.x), y: Math.round(first.y), origin: "viewport" },
      { type: "pointerDown", button: 0 },
      ...rest.map((p) => ({ type: "pointerMove", duration: 16, x: Math.round(p.x), y: Math.round(p.y), origin: "viewport" })),
      { type: "pointerUp", button: 0 },
    ];
    await this.call("POST", "/actions", {
      actions: [{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions }],
    });
    await this.call("DELETE", "/actions");
  }

  async keys(text) {
    const actions = [];
    for (const ch of text) {
      actions.push({ type: "keyDown", value: ch }, { type: "keyUp", value: ch });
    }
    await this.call("POST", "/actions", { actions: [{ type: "key", id: "kbd", actions }] });
    await this.call("DELETE", "/actions");
  }

  async screenshot() {
    return Buffer.from(await this.call("GET", "/screenshot"), "base64");
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

export const KEY = { ENTER: "\uE007", TAB: "\uE004", ESCAPE: "\uE00C", PAGE_DOWN: "\uE00F" };

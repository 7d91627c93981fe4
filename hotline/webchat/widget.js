/* Aliada chat widget: one <script> tag on any page, no framework, no cookies.
 *
 * <script src="https://HOTLINE/webchat/widget.js" defer
 *   data-language="es"                      first language (else the page's, the browser's)
 *   data-color="#1f5f8b"                     header and button colour
 *   data-exit-url="https://www.wikipedia.org/"  where quick exit goes
 *   data-hotline="https://HOTLINE"></script> API origin (else the script's own)
 *
 * Safety: the session id lives in memory and sessionStorage only, the transcript
 * in memory only; quick exit (button, or Esc twice) forgets both and replaces
 * the page. Every text comes from the hotline's catalogs (/webchat/i18n/xx.json).
 */
(() => {
  "use strict";

  const SETTINGS = /*SETTINGS*/{};
  const script = document.currentScript;
  const LOADED = Symbol.for("aliada-chat"); // one widget, however many tags
  if (!script || document[LOADED]) return;
  document[LOADED] = true;

  const data = script.dataset;
  const HOTLINE = new URL(data.hotline || script.src, location.href).origin;
  const API = HOTLINE + "/webchat/api/v1";
  const LANGUAGES = SETTINGS.languages || ["en"];
  const ALIASES = SETTINGS.aliases || {};
  const EXIT_URL = webUrl(data.exitUrl) || "https://www.wikipedia.org/";
  const COLOR = /^#[0-9a-f]{6}$/i.test(data.color || "") ? data.color : "#1f5f8b";
  const STORE = "aliada-chat";
  const SEND_TIMEOUT = 30000; // longer than the hotline waits for the bot
  const POLL_OPEN = 3000;
  const POLL_IDLE = 15000;
  const RETRY_MAX = 15000;
  const ESC_WINDOW = 1500;
  const MAX_SERVER_ERRORS = 5; // then the message is "not sent", not retried forever
  const SESSION_IDLE = 30 * 60 * 1000; // a stored session older than this is not picked up
  const NOTICE_FOR_STATUS = { 403: "refused", 413: "too_long" }; // answers no retry mends
  // The line did not issue this session (404) or it ended after a long pause
  // (410): the messages waiting go out in a new one.
  const SESSION_OVER = new Set([404, 410]);
  const MAX_RENEWALS = 2; // a new session refused again: something else is wrong

  const state = {
    session: loadSession(), // {id, after}
    withPeople: false, // a hand-off happened: operators may write, so poll often
    language: null,
    texts: null, // {labels, languages, numbers}
    outbox: [], // messages not yet answered, in order: {clientId, text, node, language, serverErrors}
    inFlight: null, // the message being sent (a promise)
    deleting: false,
    picked: null, // a language the person picked, sent with their next message
    polling: false,
    failures: 0,
    epoch: 0, // bumped when the conversation is forgotten
    open: false,
    notice: null,
    lastEsc: 0,
    timers: {},
    requests: new Set(),
    gone: false,
  };
  const textsCache = new Map();
  let ui = null;

  /* ---- start ---- */

  async function boot() {
    const first = initialLanguage();
    for (let delay = 1000; !state.gone; delay = Math.min(delay * 2, RETRY_MAX)) {
      try {
        await useLanguage(first);
        break;
      } catch (error) {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    if (document.readyState === "loading") {
      await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
    }
    if (state.gone) return;
    build();
    window.addEventListener("online", () => retryNow());
    // A page kept for the Back button must not show the conversation again.
    window.addEventListener("pagehide", () => {
      if (!ui) return;
      clearTranscript();
      state.open = false;
      ui.panel.hidden = true;
      ui.bar.hidden = false;
    });
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && ui && state.session) note("continued");
    });
    document.addEventListener("visibilitychange", () => schedulePoll());
    if (state.session) {
      state.withPeople = true; // it may have been handed off before the reload
      note("continued");
      schedulePoll(0);
    }
    ui.host.dataset.ready = "true";
    if (performance.mark) performance.mark("aliada-widget-ready");
  }

  function initialLanguage() {
    const saved = state.session && state.session.language;
    const tags = [saved, data.language, document.documentElement.lang, ...(navigator.languages || [navigator.language])];
    for (const tag of tags) {
      const code = String(tag || "").toLowerCase().split(/[-_]/)[0];
      const known = ALIASES[code] || code;
      if (LANGUAGES.includes(known)) return known;
    }
    return SETTINGS.fallback || LANGUAGES[0];
  }

  async function useLanguage(code) {
    if (!textsCache.has(code)) {
      textsCache.set(code, await call("GET", `${HOTLINE}/webchat/i18n/${code}.json`, null, 15000));
    }
    state.texts = textsCache.get(code);
    state.language = code;
    saveSession();
    if (ui) applyLabels();
  }

  async function follow(code) {
    if (code === state.language || !LANGUAGES.includes(code)) return;
    try {
      await useLanguage(code);
    } catch (error) {
      /* keep the current texts; the next answer tries again */
    }
  }

  /* ---- the hotline ---- */

  class HttpError extends Error {
    constructor(status, retryAfter) {
      super(`HTTP ${status}`);
      this.status = status;
      this.retryAfter = retryAfter; // seconds the line asked us to wait (429), or 0
    }
  }

  async function call(method, url, body, timeout) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    state.requests.add(controller);
    try {
      const response = await fetch(url.startsWith("http") ? url : API + url, {
        method,
        body: body ? JSON.stringify(body) : undefined,
        headers: body ? { "Content-Type": "application/json" } : {},
        credentials: "omit",
        cache: method === "GET" ? "default" : "no-store",
        referrerPolicy: "no-referrer",
        signal: controller.signal,
      });
      if (!response.ok) throw new HttpError(response.status, Number(response.headers.get("Retry-After")) || 0);
      return response.status === 204 ? null : await response.json();
    } finally {
      clearTimeout(timer);
      state.requests.delete(controller);
    }
  }

  function retryable(error) {
    return !(error instanceof HttpError) || error.status >= 500 || error.status === 408;
  }

  function busy(error) {
    return error instanceof HttpError && error.status === 429;
  }

  function backoff(failures) {
    return Math.min(1000 * 2 ** Math.max(failures - 1, 0), RETRY_MAX) * (0.75 + Math.random() / 2);
  }

  /* A busy line says how long to wait; never sooner than the usual backoff. */
  function waitAfter(error, failures) {
    return Math.max((error.retryAfter || 0) * 1000, backoff(failures));
  }

  async function ensureSession() {
    if (state.session) return state.session;
    const created = await call("POST", "/sessions", null, 15000);
    state.session = { id: created.session_id, after: 0 };
    saveSession();
    schedulePoll();
    return state.session;
  }

  /* Messages go out one at a time, in order. One that fails for the network
   * is sent again with the same client id, so the line answers it once. */
  async function pump() {
    if (state.inFlight || state.deleting || state.gone || !state.outbox.length) return;
    clearTimeout(state.timers.retry);
    showTyping(true);
    state.inFlight = sendFirst();
    const retryIn = await state.inFlight;
    state.inFlight = null;
    showTyping(false);
    if (state.gone) return;
    if (retryIn) state.timers.retry = setTimeout(pump, retryIn);
    else pump();
  }

  /* Sends the first waiting message; resolves to the delay before trying it
   * again, or 0 to go on at once (it was answered, refused for good, or is
   * to be sent again in a new session). */
  async function sendFirst() {
    const epoch = state.epoch;
    const item = state.outbox[0];
    let session = null;
    try {
      session = await ensureSession();
      if (epoch !== state.epoch) return 0;
      const answer = await call(
        "POST",
        "/messages",
        { session_id: session.id, text: item.text, language: item.language, client_message_id: item.clientId },
        SEND_TIMEOUT,
      );
      if (epoch !== state.epoch) return 0;
      state.outbox.shift();
      setPending(item.node, null);
      connected();
      if (answer.handoff && !state.withPeople) {
        state.withPeople = true;
        schedulePoll();
      }
      if (!state.picked) await follow(answer.language);
      if (epoch === state.epoch) showReplies(answer.replies);
      return 0;
    } catch (error) {
      if (epoch !== state.epoch || state.gone) return 0;
      if (busy(error)) {
        // Kept and sent again once the line has room: never "not sent".
        state.failures += 1;
        showNotice("busy");
        return waitAfter(error, state.failures);
      }
      if (error instanceof HttpError && SESSION_OVER.has(error.status) && item.renewals < MAX_RENEWALS) {
        item.renewals += 1;
        sessionOver(session);
        // Its conversation is new: it starts in the language shown.
        item.language = item.language || state.language;
        return 0;
      }
      const serverFault = error instanceof HttpError;
      if (retryable(error) && !(serverFault && ++item.serverErrors >= MAX_SERVER_ERRORS)) {
        state.failures += 1;
        problem();
        return backoff(state.failures);
      }
      state.outbox.shift();
      setPending(item.node, "not_sent");
      showNotice(NOTICE_FOR_STATUS[error.status] || "failed", error.status === 403);
      return 0;
    }
  }

  function retryNow() {
    clearTimeout(state.timers.retry);
    pump();
    schedulePoll(0);
  }

  /* Replies from people (operators, the line) arrive by polling, faster while
   * the chat is open and in view after a hand-off. */
  function schedulePoll(delay) {
    clearTimeout(state.timers.poll);
    if (!state.session || state.gone) return;
    const every = state.open && state.withPeople && !document.hidden ? POLL_OPEN : POLL_IDLE;
    state.timers.poll = setTimeout(poll, delay === undefined ? every : delay);
  }

  async function poll() {
    const session = state.session;
    if (!session || state.polling || state.gone) return;
    state.polling = true;
    let delay;
    try {
      const result = await call("POST", "/replies", { session_id: session.id, after: session.after }, 15000);
      const fresh = result.messages.filter((message) => message.id > session.after);
      if (fresh.length && !state.picked) await follow(result.language);
      if (session !== state.session) return;
      for (const message of fresh) {
        addMessage(message.from === "operator" ? "operator" : "bot", message.text);
        session.after = message.id;
      }
      if (fresh.length) {
        state.withPeople = true;
        saveSession();
        if (!state.open) showUnread(true);
      }
      if (!state.outbox.length) connected();
    } catch (error) {
      if (session !== state.session || state.gone) return;
      if (error instanceof HttpError && SESSION_OVER.has(error.status)) {
        sessionOver(session); // polling stops until the person writes again
        return;
      }
      state.failures += 1;
      if (busy(error)) showNotice("busy");
      else if (state.failures > 1) problem();
      delay = waitAfter(error, state.failures);
    } finally {
      state.polling = false;
      schedulePoll(delay); // for whichever conversation is current now
    }
  }

  /* The line erases the conversation first; only then does this page. The
   * message on its way is let finish (its answer belongs to what is erased),
   * and nothing new goes out meanwhile. */
  async function deleteConversation() {
    state.deleting = true;
    clearTimeout(state.timers.retry);
    setComposing(false);
    ui.confirmYes.disabled = true;
    let deleted = false;
    try {
      if (state.inFlight) await state.inFlight;
      if (state.session) await call("DELETE", "/sessions", { session_id: state.session.id }, 15000);
      forget();
      clearTranscript();
      ui.confirm.hidden = true;
      hideNotice();
      note("deleted");
      deleted = true;
    } catch (error) {
      showNotice(busy(error) ? "busy" : "delete_failed");
    } finally {
      state.deleting = false;
      ui.confirmYes.disabled = false;
      setComposing(true);
      (deleted ? ui.input : ui.confirmYes).focus();
      pump();
    }
  }

  /* The line no longer knows this session: the person is told once, and the
   * next message starts a new conversation (messages waiting are kept). */
  function sessionOver(session) {
    if (!session || session !== state.session) return; // already replaced
    state.session = null;
    state.withPeople = false;
    clearTimeout(state.timers.poll);
    saveSession();
    note("ended");
  }

  /* Forget the conversation in this browser: nothing left in memory or storage. */
  function forget() {
    state.epoch += 1;
    state.session = null;
    state.outbox = [];
    state.picked = null;
    state.withPeople = false;
    state.failures = 0;
    clearTimeout(state.timers.poll);
    clearTimeout(state.timers.retry);
    saveSession();
  }

  function quickExit() {
    state.gone = true;
    forget();
    for (const request of state.requests) request.abort();
    document.removeEventListener("keydown", onEscape, true);
    if (ui) ui.host.remove();
    ui = null;
    try {
      document.body.style.visibility = "hidden";
      document.title = "";
      // The neutral site is not told which page the person was on.
      document.head.append(h("meta", { name: "referrer", content: "no-referrer" }));
    } catch (error) {
      /* the page goes anyway */
    }
    location.replace(EXIT_URL);
  }

  function onEscape(event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - state.lastEsc < ESC_WINDOW) {
      event.preventDefault();
      quickExit();
      return;
    }
    state.lastEsc = now;
    if (ui && state.open) announce("exit_again");
  }

  /* ---- storage: the session id only, for this tab ---- */

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // blocked: memory only
    }
  }

  function loadSession() {
    try {
      const saved = JSON.parse(storage().getItem(STORE));
      if (saved && /^[A-Za-z0-9_-]{32,128}$/.test(saved.id) && Date.now() - saved.at < SESSION_IDLE) {
        return { id: saved.id, after: Number(saved.after) || 0, language: saved.language };
      }
      storage().removeItem(STORE); // too old to pick up again, or unusable
    } catch (error) {
      /* nothing usable */
    }
    return null;
  }

  function saveSession() {
    try {
      if (state.session) {
        const { id, after } = state.session;
        storage().setItem(STORE, JSON.stringify({ id, after, language: state.language, at: Date.now() }));
      } else {
        storage().removeItem(STORE);
      }
    } catch (error) {
      /* memory only */
    }
  }

  /* ---- the page ---- */

  function label(key) {
    return state.texts.labels[key] || "";
  }

  function h(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child != null));
    return node;
  }

  function build() {
    const host = h("div", { id: "aliada-chat" });
    const shadow = host.attachShadow({ mode: "open" });
    const sheet = STYLES;
    if (shadow.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      const constructed = new CSSStyleSheet();
      constructed.replaceSync(sheet);
      shadow.adoptedStyleSheets = [constructed];
    } else {
      shadow.append(h("style", {}, sheet));
    }
    const exitButton = () =>
      h("button", { type: "button", class: "exit", "data-l": "exit", "data-l-title": "exit_hint", onclick: quickExit });
    const dot = h("span", { class: "dot", hidden: true }, h("span", { class: "sr-only", "data-l": "new_message" }));
    const launcher = h(
      "button",
      { type: "button", class: "launcher", "aria-controls": "aliada-panel", "aria-expanded": "false", onclick: () => setOpen(true) },
      h("span", { "data-l": "open" }),
      dot,
    );
    const select = h("select", { id: "aliada-language", onchange: onLanguagePicked });
    for (const { code, name } of state.texts.languages) select.append(h("option", { value: code, lang: code }, name));
    const intro = h("p", { class: "intro" });
    const log = h("div", { class: "log", role: "log", "aria-labelledby": "aliada-title", tabindex: "0" }, intro);
    const input = h("textarea", {
      id: "aliada-input",
      rows: "2",
      maxlength: "4000",
      "data-l-placeholder": "placeholder",
      onkeydown: (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) onSubmit(event);
      },
    });
    const sendButton = h("button", { type: "submit", class: "send", "data-l": "send" });
    const form = h(
      "form",
      { class: "compose", onsubmit: onSubmit },
      h("label", { for: "aliada-input", class: "sr-only", "data-l": "message" }),
      input,
      sendButton,
    );
    const confirmYes = h("button", { type: "button", class: "danger", "data-l": "delete_yes", onclick: deleteConversation });
    const deleteButton = h("button", {
      type: "button",
      class: "link",
      "data-l": "delete",
      onclick: () => {
        ui.confirm.hidden = false;
        confirmYes.focus();
      },
    });
    const confirm = h(
      "div",
      { class: "confirm", role: "group", "aria-labelledby": "aliada-confirm", hidden: true },
      h("p", { id: "aliada-confirm", "data-l": "delete_question" }),
      confirmYes,
      h("button", {
        type: "button",
        "data-l": "delete_no",
        onclick: () => {
          confirm.hidden = true;
          deleteButton.focus();
        },
      }),
    );
    const panel = h(
      "section",
      { id: "aliada-panel", class: "panel", role: "dialog", "aria-labelledby": "aliada-title", hidden: true },
      h(
        "header",
        {},
        h("h2", { id: "aliada-title", "data-l": "title" }),
        h(
          "div",
          { class: "actions" },
          exitButton(),
          h("button", { type: "button", class: "close", "data-l-label": "close", onclick: () => setOpen(false) }, "×"),
        ),
      ),
      h(
        "div",
        { class: "tools" },
        h("label", { for: "aliada-language", "data-l": "language" }),
        select,
        deleteButton,
      ),
      confirm,
      log,
      h(
        "div",
        { class: "typing", hidden: true },
        h("span", { "data-l": "typing" }),
        h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")),
      ),
      h("div", { class: "notice", role: "alert" }),
      form,
    );
    const root = h(
      "div",
      { class: "root" },
      h("div", { class: "bar" }, exitButton(), launcher),
      panel,
      h("div", { class: "sr-only", role: "status", "aria-live": "polite" }),
    );
    root.style.setProperty("--c", COLOR);
    root.style.setProperty("--on", readableOn(COLOR));
    shadow.append(root);
    ui = {
      host,
      shadow,
      root,
      bar: root.querySelector(".bar"),
      launcher,
      dot,
      panel,
      select,
      log,
      intro,
      input,
      send: sendButton,
      confirm,
      confirmYes,
      typing: panel.querySelector(".typing"),
      notice: panel.querySelector(".notice"),
      status: root.lastElementChild,
    };
    applyLabels();
    document.body.append(host);
    if (data.open === "true") setOpen(true);
  }

  function applyLabels() {
    ui.root.lang = state.language;
    for (const node of ui.shadow.querySelectorAll("[data-l]")) node.textContent = label(node.dataset.l);
    for (const node of ui.shadow.querySelectorAll("[data-l-label]")) node.setAttribute("aria-label", label(node.dataset.lLabel));
    for (const node of ui.shadow.querySelectorAll("[data-l-title]")) node.title = label(node.dataset.lTitle);
    ui.input.placeholder = label("placeholder");
    ui.intro.replaceChildren(...linked(label("welcome"))); // the emergency number, tappable
    ui.select.value = state.language;
    renderNotice();
  }

  async function onLanguagePicked() {
    const wanted = ui.select.value;
    try {
      await useLanguage(wanted);
      state.picked = wanted;
    } catch (error) {
      ui.select.value = state.language;
      showNotice("reconnecting");
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    send(text);
  }

  function send(text) {
    clearSuggestions();
    const node = addMessage("you", text);
    setPending(node, "sending");
    // The language goes with a new conversation's first message (the page's or
    // the browser's, a better guess than "hola" alone) and after a pick;
    // otherwise the bot follows the language the person writes in.
    const first = !state.session && !state.outbox.length;
    const language = state.picked || (first ? state.language : null);
    state.outbox.push({ clientId: randomId(), text, node, language, serverErrors: 0, renewals: 0 });
    state.picked = null;
    saveSession();
    pump();
  }

  function setOpen(open) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.bar.hidden = open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      showUnread(false);
      ui.log.scrollTop = ui.log.scrollHeight;
      ui.input.focus();
    } else {
      ui.launcher.focus();
    }
    schedulePoll(open ? 0 : undefined);
  }

  function addMessage(kind, text) {
    const speaker = label(kind === "you" ? "you" : kind === "operator" ? "operator" : "bot");
    const node = h(
      "div",
      { class: `message ${kind}` },
      h("span", { class: kind === "operator" ? "speaker" : "sr-only" }, speaker + ": "),
      h("p", {}, ...linked(text)),
    );
    ui.log.append(node);
    ui.log.scrollTop = ui.log.scrollHeight;
    return node;
  }

  function showReplies(replies) {
    for (const reply of replies) {
      addMessage("bot", reply.text);
      if (reply.buttons && reply.buttons.length) showSuggestions(reply.buttons);
    }
  }

  function showSuggestions(buttons) {
    clearSuggestions();
    const group = h(
      "div",
      { class: "suggestions", role: "group", "aria-label": label("suggestions") },
      ...buttons.map((button) =>
        h("button", { type: "button", onclick: () => (send(button.payload), ui.input.focus()) }, button.title),
      ),
    );
    ui.log.append(group);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function clearSuggestions() {
    for (const group of ui.log.querySelectorAll(".suggestions")) group.remove();
  }

  function setPending(node, key) {
    const old = node.querySelector(".pending");
    if (old) old.remove();
    if (key) node.append(h("span", { class: `pending ${key}` }, label(key)));
  }

  function note(key) {
    ui.log.append(h("p", { class: "note" }, label(key)));
  }

  function showTyping(on) {
    if (ui) ui.typing.hidden = !on;
  }

  function showUnread(on) {
    ui.dot.hidden = !on;
    if (on) announce("new_message");
  }

  function announce(key) {
    ui.status.textContent = "";
    setTimeout(() => ui && (ui.status.textContent = label(key)), 50);
  }

  function problem() {
    showNotice(state.failures > 1 || !navigator.onLine ? "unreachable" : "reconnecting");
  }

  function connected() {
    if (state.failures && state.notice && !state.notice.lasting) {
      hideNotice();
      announce("reconnected");
    }
    state.failures = 0;
  }

  function showNotice(key, lasting = false) {
    if (state.notice && state.notice.key === key) return; // not read out again
    state.notice = { key, lasting };
    renderNotice();
  }

  function renderNotice() {
    ui.notice.replaceChildren(...(state.notice ? [h("p", {}, ...linked(label(state.notice.key)))] : []));
  }

  function hideNotice() {
    state.notice = null;
    renderNotice();
  }

  function clearTranscript() {
    for (const node of [...ui.log.children]) if (node !== ui.intro) node.remove();
  }

  function setComposing(on) {
    ui.input.disabled = !on;
    ui.send.disabled = !on;
  }

  /* Web addresses and phone numbers become links; everything else stays text. */
  function linked(text) {
    const emergency = (state.texts.numbers.emergency || "").replace(/[^\d]/g, "");
    const pattern = new RegExp(
      `(https?://[^\\s<>"]*[^\\s<>".,;:!?)\\]])|(\\+?\\d[\\d ().-]{5,}\\d${emergency ? `|\\b${emergency}\\b` : ""})`,
      "g",
    );
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      parts.push(text.slice(last, match.index));
      const [whole, address] = match;
      const href = address ? address : "tel:" + whole.replace(/[^\d+]/g, "");
      parts.push(h("a", address ? { href, target: "_blank", rel: "noopener noreferrer" } : { href }, whole));
      last = match.index + whole.length;
    }
    parts.push(text.slice(last));
    return parts;
  }

  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function webUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  /* Black or white, whichever reads better on the configured colour (WCAG). */
  function readableOn(hex) {
    const channel = (i) => {
      const value = parseInt(hex.slice(i, i + 2), 16) / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    };
    const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? "#ffffff" : "#111111";
  }

  const STYLES = `
:host { all: initial; }
[hidden] { display: none !important; }
.root { font: max(16px, 1rem)/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; }
.root * { box-sizing: border-box; font: inherit; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button, select, textarea { min-height: 2.75em; border-radius: .5em; }
button { cursor: pointer; padding: .4em .9em; border: 2px solid transparent; min-width: 0; word-break: break-word; overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid #111; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
.bar { position: fixed; right: 1em; bottom: 1em; z-index: 2147483000; display: flex; gap: .5em; max-width: calc(100vw - 2em); flex-wrap: wrap; justify-content: flex-end; }
.launcher { background: var(--c); color: var(--on); font-weight: 700; box-shadow: 0 2px 8px rgba(0,0,0,.3); position: relative; }
.dot { position: absolute; top: -.3em; right: -.3em; width: .9em; height: .9em; border-radius: 50%; background: #b00020; border: 2px solid #fff; }
.exit { background: #b00020; color: #fff; font-weight: 700; border-color: #fff; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.panel { position: fixed; right: 1em; bottom: 1em; z-index: 2147483000; display: flex; flex-direction: column; width: min(25em, calc(100vw - 2em)); height: min(40em, calc(100vh - 2em)); background: #fff; border: 1px solid #6b7280; border-radius: .75em; box-shadow: 0 4px 24px rgba(0,0,0,.3); overflow-x: hidden; overflow-y: auto; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: .5em; padding: .5em .75em; background: var(--c); color: var(--on); }
header :focus-visible { outline-color: var(--on); box-shadow: none; }
.actions { display: flex; gap: .25em; margin-left: auto; }
h2 { flex: 1 1 8em; margin: 0; font-weight: 700; font-size: 1em; }
.close { background: transparent; color: inherit; font-size: 1.5em; line-height: 1; min-width: 1.8em; min-height: 1.8em; padding: 0; }
.tools { display: flex; flex-wrap: wrap; align-items: center; gap: .25em .5em; padding: .4em .75em; border-bottom: 1px solid #d1d5db; }
select { padding: .2em .4em; border: 1px solid #6b7280; background: #fff; color: #1b1b1b; }
.link { margin-left: auto; background: none; color: #1b1b1b; text-decoration: underline; padding: .2em .3em; }
.confirm { padding: .5em .75em; background: #fdecee; border-bottom: 1px solid #b00020; }
.confirm p { margin: 0 0 .5em; }
.confirm button { margin-right: .5em; background: #fff; color: #1b1b1b; border-color: #6b7280; }
.confirm .danger { background: #b00020; color: #fff; }
.log { flex: 1 0 8em; overflow-y: auto; padding: .75em; display: flex; flex-direction: column; gap: .5em; }
.intro, .note { margin: 0; color: #374151; font-size: .95em; }
.message { max-width: 85%; padding: .5em .75em; border-radius: .75em; background: #eef1f4; color: #1b1b1b; align-self: flex-start; }
.message p { margin: 0; white-space: pre-wrap; word-break: break-word; overflow-wrap: anywhere; }
.message a { color: inherit; }
.message.you { align-self: flex-end; background: var(--c); color: var(--on); }
.message.operator { background: #fff4d6; border-left: 4px solid #7a4f00; }
.speaker { display: block; font-weight: 700; font-size: .85em; }
.pending { display: block; font-size: .85em; }
.not_sent { font-weight: 700; }
.suggestions { display: flex; flex-wrap: wrap; gap: .4em; }
.suggestions button { background: #fff; color: #1b1b1b; border-color: var(--c); border-radius: 1.4em; }
.typing { padding: 0 .75em .4em; color: #374151; font-size: .9em; }
.dots i { display: inline-block; width: .4em; height: .4em; margin-left: .2em; border-radius: 50%; background: #6b7280; animation: blink 1.2s infinite; }
.dots i:nth-child(2) { animation-delay: .2s; }
.dots i:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 50% { opacity: .2; } }
@media (prefers-reduced-motion: reduce) { .dots i { animation: none; } }
.notice:not(:empty) { padding: .5em .75em; background: #fff4d6; border-top: 1px solid #7a4f00; }
.notice p { margin: 0; }
.notice a { color: inherit; font-weight: 700; }
.compose { display: flex; flex-wrap: wrap; gap: .5em; padding: .5em .75em; border-top: 1px solid #d1d5db; }
textarea { flex: 1 1 10em; min-width: 0; resize: none; padding: .4em .5em; border: 1px solid #6b7280; color: #1b1b1b; background: #fff; }
.send { background: var(--c); color: var(--on); font-weight: 700; }
@media print { .root { display: none; } }
@media (max-width: 30em) { .panel { top: 0; right: 0; bottom: 0; left: 0; width: auto; height: auto; border-radius: 0; border: 0; } }
`;

  document.addEventListener("keydown", onEscape, true);
  boot();
})();

// Floorbot web console: vanilla JS, no build step, nothing fetched from elsewhere.
// The server decides everything; this script renders /api/state, follows /api/stream (SSE), and sends
// what people do to /api/message and /api/floor. User text is only ever set with textContent.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let S = {};                 // the console.* strings of the current language
  let lang = document.documentElement.lang || "en";
  let state = null;
  let clockOffset = 0;        // server now - browser now, so the countdown follows the server's clock
  let source = null;          // the EventSource
  let streamChair = false;    // whether the open stream includes the chairs' channel
  let refreshTimer = null;
  let activeTab = "conversation";
  let lastNotice = "";

  // -- strings ----------------------------------------------------------------------------------------

  function t(key, values) {
    let text = S[key] !== undefined ? S[key] : key;
    if (values) {
      for (const [name, value] of Object.entries(values)) text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  async function loadStrings(code) {
    const response = await fetch("/api/strings?lang=" + encodeURIComponent(code), { cache: "no-store" });
    S = await response.json();
    lang = code;
    document.documentElement.lang = code;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-label]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.i18nLabel)); });
    document.title = t("console.page_title");
    $("lang-select").value = code;
  }

  const languageName = (code) => (code ? t("common.language_name." + code) : "");

  // -- server calls -----------------------------------------------------------------------------------

  async function send(path, body) {
    const response = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    $("problem").textContent = response.ok ? "" : (data.message || t("console.error.failed"));
    return { ok: response.ok, data };
  }

  async function refresh() {
    refreshTimer = null;
    const before = Date.now();
    const response = await fetch("/api/state?lang=" + encodeURIComponent(lang), { cache: "no-store" });
    if (response.status === 401) {
      // A signed console says nothing of the floor before sign-in: only how to sign in.
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      if (data && data.access) { state = data; render(); }
      return;
    }
    if (!response.ok) return;
    state = await response.json();
    clockOffset = Date.parse(state.now) - (before + Date.now()) / 2;
    render();
    // Chair powers follow the agenda (a session's chair); the stream must then include the chairs' pane.
    if (source && state.me && state.powers.chair !== streamChair) connect();
  }

  function scheduleRefresh() {
    if (refreshTimer === null) refreshTimer = setTimeout(refresh, 30);
  }

  // -- stream -----------------------------------------------------------------------------------------

  function connect() {
    if (source) source.close();
    streamChair = Boolean(state && state.powers && state.powers.chair);
    source = new EventSource("/api/stream?lang=" + encodeURIComponent(lang));
    source.addEventListener("open", () => { $("connection").textContent = ""; });
    source.addEventListener("error", () => { $("connection").textContent = t("console.chat.connection_lost"); });
    source.addEventListener("history", (e) => {
      const log = $("log");
      log.replaceChildren();
      const messages = JSON.parse(e.data);
      if (!messages.length) log.append(emptyLogItem());
      messages.forEach((m) => log.append(messageItem(m)));
      log.scrollTop = log.scrollHeight;
      scheduleRefresh();
    });
    source.addEventListener("message", (e) => {
      const log = $("log");
      const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
      const empty = log.querySelector(".empty");
      if (empty) empty.remove();
      log.append(messageItem(JSON.parse(e.data)));
      if (atBottom) log.scrollTop = log.scrollHeight;
      scheduleRefresh();
    });
    source.addEventListener("update", (e) => {
      const m = JSON.parse(e.data);
      const old = document.querySelector('[data-message-id="' + CSS.escape(m.id) + '"]');
      if (old) old.replaceWith(messageItem(m));
    });
    source.addEventListener("state", (e) => {
      // A change of the list comes with its version: a page already showing it does not fetch again.
      const change = e.data ? JSON.parse(e.data) : {};
      const floor = state && state.floor;
      if (change.version != null && floor && floor.discussion === change.discussion && floor.version === change.version) return;
      scheduleRefresh();
    });
    source.addEventListener("reset", connect);
    source.addEventListener("signed_out", () => { source.close(); source = null; refresh(); });
  }

  function emptyLogItem() {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = t("console.chat.empty");
    return li;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clockTime(iso, zone) {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (zone) options.timeZone = zone;
    return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
  }

  function messageItem(m) {
    const me = state && state.me;
    const li = el("li", "msg");
    li.dataset.messageId = m.id;
    if (!m.author) li.classList.add("bot");
    if (m.private) li.classList.add("private");
    if (m.chairs) li.classList.add("chairs");
    if (m.deleted) li.classList.add("deleted");
    if (me && m.user_id === me.user_id) li.classList.add("mine");

    const head = el("div", "msg-head");
    head.append(el("span", "msg-author", m.author || t("console.chat.bot_author")));
    head.append(el("time", "msg-time", clockTime(m.at)));
    if (m.private) head.append(el("span", "tag private", t("console.chat.private")));
    if (m.chairs) head.append(el("span", "tag chairs", t("console.chat.chairs_only")));
    if (m.untranslated) head.append(el("span", "tag untranslated", t("console.chat.untranslated")));
    else if (m.notice) head.append(el("span", "tag machine", m.notice));
    if (m.edited && !m.deleted) head.append(el("span", "meta", "(" + t("console.chat.edited") + ")"));
    li.append(head);

    const text = el("p", "msg-text", m.deleted ? t("console.chat.deleted") : m.text);
    if (m.lang) text.lang = m.lang;
    li.append(text);

    if (m.original && !m.deleted) {
      const toggle = el("button", "original-toggle", t("console.chat.show_original"));
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      const original = el("p", "original", t("console.chat.original", { language: languageName(m.original.lang) }) + "\n" + m.original.text);
      original.lang = m.original.lang || "";
      original.hidden = true;
      toggle.addEventListener("click", () => {
        original.hidden = !original.hidden;
        toggle.setAttribute("aria-expanded", String(!original.hidden));
        toggle.textContent = t(original.hidden ? "console.chat.show_original" : "console.chat.hide_original");
      });
      li.append(toggle, original);
    }
    if (m.actions && m.actions.length && !m.deleted) {
      const row = el("div", "msg-actions");
      m.actions.forEach((a) => {
        const b = el("button", "small" + (a.style === "primary" ? " primary" : a.style === "danger" ? " danger" : ""), a.label);
        b.type = "button";
        // A private notice's button (the group prompt) names the notice it answers: its buttons then go.
        const press = { action: "post-action", action_id: a.id, value: a.value };
        if (m.private) press.message_id = m.id;
        b.addEventListener("click", () => act(press));
        row.append(b);
      });
      li.append(row);
    }
    if (m.reactions && m.reactions.length) li.append(el("p", "reactions", m.reactions.map((r) => ":" + r + ":").join(" ")));
    return li;
  }

  // -- rendering --------------------------------------------------------------------------------------

  function render() {
    const s = state;
    $("event-title").textContent = s.event ? s.event.title : "";
    const signedIn = Boolean(s.me);
    const readOnly = signedIn && s.me.role === "interpreter";
    document.body.classList.toggle("read-only", readOnly);
    $("interpreters-view").hidden = !readOnly && !(s.booths);
    $("interp-intro").hidden = !readOnly;
    $("join").hidden = signedIn;
    $("tabs").hidden = !signedIn;
    $("whoami").hidden = !signedIn;
    $("band").hidden = !signedIn;
    if (!signedIn) {
      renderJoin();
      ["conversation", "chair", "run"].forEach((v) => { $("view-" + v).hidden = true; });
      return;
    }
    const role = s.access && s.access.mode === "signed" ? " · " + t("access.page.role." + s.me.role) : "";
    $("whoami-name").textContent = t("console.signed_in_as", { name: s.me.name }) + role;
    $("tab-chair").hidden = !s.powers.chair;
    $("tab-run").hidden = s.run_of_show === null;
    if ((activeTab === "chair" && !s.powers.chair) || (activeTab === "run" && s.run_of_show === null)) activeTab = "conversation";
    showTab(activeTab, false);
    const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : null;
    renderFloor();
    if (readOnly) renderInterpreters();
    renderBooths();
    renderChair();
    renderRun();
    if (focusKey) {
      const again = document.querySelector('[data-focus-key="' + CSS.escape(focusKey) + '"]');
      if (again) again.focus();
    }
    tick();
  }

  function renderInterpreters() {
    // The interpreters' view: who speaks next and in which language, read-only.
    const floor = state.floor;
    $("interp-next-lang").textContent = floor.next_language ? languageName(floor.next_language) : t("console.chair.interpreters_none");
    $("interp-queue").replaceChildren(...floor.queue.map((r) => el("li", "", r.place + ". " + r.name + " — " + languageName(r.language))));
  }

  function renderBooths() {
    // What the booths need: who speaks (and how long is left), who is next, in which floor language.
    const booths = state.booths;
    $("booths").hidden = !booths;
    if (!booths) return;
    const line = (who) => (who ? who.name + (who.affiliation ? " (" + who.affiliation + ")" : "") : "");
    const meta = (who) => (who ? who.language_text + " · " + who.turn_text : "");
    $("booth-now-name").textContent = booths.current ? line(booths.current) : t("console.booths.nobody");
    $("booth-now-meta").textContent = meta(booths.current);
    $("booth-next-name").textContent = booths.next ? line(booths.next) : t("console.booths.unknown");
    $("booth-next-meta").textContent = meta(booths.next);
    $("booth-alert").hidden = !booths.alert;
    $("booth-alert").textContent = booths.alert || "";
    const signals = state.signals || [];
    $("chair-signals").replaceChildren(...signals.map((g) => {
      const when = new Date(g.at).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      const li = el("li", "signal signal-" + g.kind, when + " · " + (g.booth ? g.booth + " · " : "") + g.name + ": " + g.text);
      return li;
    }));
    $("chair-signals-none").hidden = signals.length > 0;
  }

  function boothTick() {
    const current = state && state.booths && state.booths.current;
    const node = $("booth-countdown");
    const ends = current && current.ends_at ? Date.parse(current.ends_at) : null;
    node.parentElement.hidden = ends === null;
    if (ends === null) return;
    const ms = ends - (Date.now() + clockOffset);
    node.textContent = formatRemaining(ms);
    node.parentElement.classList.toggle("over", ms < 0);
  }

  async function sendSignal(body) {
    const result = await send("/api/signal", body);
    $("signal-status").textContent = result.ok ? result.data.message : (result.data.message || t("console.error.failed"));
    return result;
  }

  function renderJoin() {
    const access = state.access || { mode: "local", guests: true, slack: false };
    const signed = access.mode === "signed";
    $("join-person-field").hidden = signed;
    $("join-invited").hidden = !signed;
    $("join-slack").hidden = !access.slack;
    $("join-guest-intro").hidden = !(signed && access.guests);
    $("join-trust").hidden = signed;
    $("join-form").hidden = signed && !access.guests;
    if (!state.event) return;
    const people = $("join-person");
    if (people.options.length === 1 && state.people) {
      state.people.forEach((p) => {
        const label = p.name + (p.group_name ? " — " + p.group_name : "");
        people.append(new Option(label, p.id));
      });
    }
    // Rebuilt for the names in the reader's language, keeping the guest's choice: nothing is preselected, so
    // a guest who says nothing is refused ("choose a group") rather than counted in the first group.
    const groups = $("join-group");
    const chosen = groups.value;
    const prompt = new Option(t("console.join.group_choose"), "");
    prompt.disabled = true;
    groups.replaceChildren(prompt);
    state.event.groups.forEach((g) => groups.append(new Option(g.name, g.id)));
    groups.append(new Option(t("console.join.group_not_stated"), "not-stated"));
    groups.value = chosen;
    $("join-lang").value = lang;
    const pickedSomeone = !signed && Boolean(people.value);
    $("join-name-field").hidden = pickedSomeone;
    $("join-group-field").hidden = pickedSomeone;
  }

  function speakerMeta(x) {
    return [x.group_name, languageName(x.language), t("console.kind." + x.kind)].filter(Boolean).join(" · ");
  }

  function renderFloor() {
    const s = state;
    const floor = s.floor;
    const status = $("list-status");
    if (!floor.discussion) {
      status.textContent = t("console.floor.discussion_none");
      status.className = "list-status";
    } else {
      status.textContent = t(floor.is_open ? "console.floor.list_open" : "console.floor.list_closed");
      status.className = "list-status " + (floor.is_open ? "open" : "closed");
    }
    const chairStatus = $("chair-list-status");
    chairStatus.textContent = status.textContent;
    chairStatus.className = status.className;

    $("place-text").textContent = s.place ? s.place.place_text : t("console.floor.not_on_list");
    $("wait-text").textContent = s.place ? t("console.floor.wait_line", { wait: s.place.wait_text }) : "";
    // "Why am I 4th?": the server's own explanation of the order, in the reader's language.
    $("place-reasons").replaceChildren(...(s.place ? s.place.reasons.map((r) => el("li", "", r)) : []));
    $("btn-withdraw").disabled = !s.place;
    $("btn-request").disabled = Boolean(s.place) || !floor.discussion || !floor.is_open;
    $("btn-poo").disabled = !floor.discussion;

    for (const prefix of ["", "chair-"]) {
      const timer = s.timer;
      $(prefix + "speaker-name").textContent = timer ? timer.name : t("console.floor.nobody_speaking");
      $(prefix + "speaker-meta").textContent = timer ? speakerMeta(timer) : "";
    }

    const q = s.question;
    $("question-title").textContent = q ? t("console.floor.question", { number: q.number, total: q.total }) : t("console.chair.question_next");
    $("question-text").textContent = q ? q.text : t("console.chair.question_none");
    const points = $("question-points");
    points.replaceChildren(...(q ? q.points.map((p) => el("li", "", p)) : []));
    $("chair-question-text").textContent = q ? t("console.floor.question", { number: q.number, total: q.total }) + " — " + q.text : t("console.chair.question_none");
    if (q && document.activeElement !== $("question-number")) $("question-number").value = q.number;
  }

  function notice() {
    const s = state;
    let kind = "";
    if (s.timer && s.me && s.timer.person === s.me.key) {
      kind = remainingMs() < 0 ? "timeup" : "floor";
    } else if (s.place && s.place.place === 1) {
      kind = "next";
    }
    const band = $("band");
    band.className = "band" + (kind ? " " + kind : "");
    const keys = { floor: "console.notice.floor", next: "console.notice.next", timeup: "console.notice.time_up" };
    const text = kind ? t(keys[kind])
      : s.timer ? t("console.floor.speaking_line", { name: s.timer.name }) : t("console.floor.nobody_speaking");
    if ($("notice").textContent !== text) $("notice").textContent = text;
    $("band-countdown").textContent = s.timer ? formatRemaining(remainingMs()) : "";
    if (kind === lastNotice) return;
    lastNotice = kind;
    // Only the changes that concern this person are announced to screen readers, once each.
    $("announcer").textContent = kind ? t(keys[kind]) : "";
  }

  function renderChair() {
    const spoken = (state.event && state.event.languages) || ["en", "fr", "es"];
    document.querySelectorAll("[data-announce-lang]").forEach((f) => { f.hidden = !spoken.includes(f.dataset.announceLang); });
    const s = state;
    if (!s.powers.chair) return;
    const floor = s.floor;
    $("interpreters-lang").textContent = floor.next_language ? languageName(floor.next_language) : t("console.chair.interpreters_none");
    $("interpreters-lang").classList.toggle("none", !floor.next_language);
    $("btn-close").hidden = !floor.is_open;
    $("btn-open").hidden = floor.is_open;
    const budgets = floor.budgets || [];
    $("chair-budgets").replaceChildren(...budgets.map((b) => {
      const li = el("li", b.remaining_seconds === 0 ? "spent" : "", b.text.replace(/^• /, ""));
      li.dataset.group = b.group;
      return li;
    }));
    $("chair-budgets-none").hidden = budgets.length > 0;
    const body = $("speakers");
    const rows = floor.queue.map((r, index) => {
      const tr = document.createElement("tr");
      const cell = (label, text, className) => {
        const td = el("td", className || "", text);
        td.dataset.label = t(label);
        tr.append(td);
        return td;
      };
      cell("console.chair.col_place", String(r.place), "num");
      const name = cell("console.chair.col_name", r.name);
      name.lang = "";
      if (r.over_budget) name.append(el("span", "flag", t("console.chair.over_budget")));
      if (r.absent) name.append(el("span", "flag", t("console.chair.absent")));
      if (r.unverified) name.append(el("span", "flag unverified", t("access.page.unverified")));
      cell("console.chair.col_group", r.group_name);
      cell("console.chair.col_language", languageName(r.language));
      const kindCell = cell("console.chair.col_kind", t("console.kind." + r.kind), "kind-" + r.kind);
      if (r.note) kindCell.append(el("span", "note", r.note));
      cell("console.chair.col_wait", r.wait_text, "num");
      const actions = cell("console.chair.col_actions", "");
      const wrap = el("div", "row-actions");
      const button = (verb, label, aria, disabled, style, place) => {
        const b = el("button", "small" + (style ? " " + style : ""), label.startsWith("console.") ? t(label) : label);
        b.type = "button";
        b.setAttribute("aria-label", t(aria, { name: r.name }));
        b.dataset.focusKey = verb + ":" + r.person;
        b.disabled = Boolean(disabled);
        b.addEventListener("click", () => act(place === undefined ? { action: verb, target: r.person }
          : { action: "move", target: r.person, value: String(place) }));
        wrap.append(b);
      };
      button("give", "console.chair.give", "console.chair.give_to", false, "primary");
      button("move-up", "▲", "console.chair.move_up_name", index === 0, "icon", r.place - 1);
      button("move-down", "▼", "console.chair.move_down_name", index === floor.queue.length - 1, "icon", r.place + 1);
      button("remove", "console.chair.remove", "console.chair.remove_name", false, "danger");
      actions.append(wrap);
      return tr;
    });
    body.replaceChildren(...rows);
    $("speakers-empty").hidden = rows.length > 0;
  }

  function renderRun() {
    const cues = state.run_of_show;
    if (cues === null) return;
    // How late the day runs by the chairs' changes, as a rundown says it ("running 7 min late").
    const offset = state.offset ? state.offset.text : "";
    $("run-offset").textContent = offset;
    $("chair-plan-offset").textContent = offset;
    $("run-offset").className = "list-status" + (state.offset && state.offset.minutes > 0 ? " late" : "");
    const zone = state.event.timezone;
    $("run-col-time").textContent = t("console.run.col_time", { zone: state.event.timezone_label || zone });
    const now = Date.parse(state.now);
    let current = -1;
    cues.forEach((c, i) => { if (Date.parse(c.at) <= now) current = i; });
    // The reader's own clock: only the page knows its zone (the event's clock comes formatted from the server).
    const dayTime = (iso) => new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
    const rows = [];
    let lastDay = "";
    cues.forEach((c, i) => {
      const day = c.day;
      if (day !== lastDay) {
        lastDay = day;
        const dayRow = el("tr", "day");
        const th = el("th", "", day);
        th.colSpan = 6;
        th.scope = "rowgroup";
        dayRow.append(th);
        rows.push(dayRow);
      }
      const tr = document.createElement("tr");
      const when = i < current ? "past" : i === current ? "current" : i === current + 1 ? "next" : "";
      if (when) tr.className = when;
      const first = el("td", "num", c.time);
      if (when && when !== "past") first.append(el("span", "when-tag", t("console.run." + when)));
      // The plan's time, struck through, when a chair's change moved the cue (its new time is the first column).
      const planned = el("td", "num planned", c.planned || "");
      if (c.planned) planned.append(el("span", "visually-hidden", " " + t("console.plan.moved")));
      tr.append(first, planned, el("td", "num", dayTime(c.at)), el("td", "", c.title));
      const cueLabel = S["console.cue." + c.kind] !== undefined ? t("console.cue." + c.kind) : c.kind;
      tr.append(el("td", "", cueLabel));
      const stateCell = el("td", "state state-" + c.state, t("console.run.state." + c.state));
      if (c.state === "missed" && state.powers.chair) {
        // A chair posts a skipped announcement late (`/floor repost <cue>`).
        const b = el("button", "small", t("console.run.repost"));
        b.type = "button";
        b.addEventListener("click", () => act({ action: "repost", value: c.id }));
        stateCell.append(" ", b);
      }
      tr.append(stateCell);
      rows.push(tr);
    });
    $("run").replaceChildren(...rows);
    $("run-empty").hidden = rows.length > 0;
  }

  // -- countdown --------------------------------------------------------------------------------------

  function remainingMs() {
    if (!state || !state.timer) return 0;
    return Date.parse(state.timer.ends_at) - (Date.now() + clockOffset);
  }

  function formatRemaining(ms) {
    const total = Math.ceil(Math.abs(ms) / 1000);
    const text = Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0");
    return ms < 0 ? "+" + text : text;
  }

  function tick() {
    if (!state || !state.me) return;
    boothTick();
    const timer = state.timer;
    const ms = remainingMs();
    for (const id of ["countdown", "chair-countdown"]) {
      const node = $(id);
      node.textContent = timer ? formatRemaining(ms) : "--:--";
      node.setAttribute("aria-label", timer ? t(ms < 0 ? "console.floor.over_time" : "console.floor.time_left") + " " + node.textContent : "");
      const box = node.parentElement;
      const warnAt = timer && timer.warn_at ? Date.parse(timer.warn_at) : null;
      box.classList.toggle("over", Boolean(timer) && ms < 0);
      box.classList.toggle("warn", Boolean(timer) && ms >= 0 && warnAt !== null && Date.now() + clockOffset >= warnAt);
      const label = box.querySelector(".countdown-label");
      label.textContent = t(timer && ms < 0 ? "console.floor.over_time" : "console.floor.time_left");
    }
    notice();
  }

  // -- actions ----------------------------------------------------------------------------------------

  async function act(body) {
    const result = await send("/api/floor", body);
    scheduleRefresh();
    return result;
  }

  function showTab(name, focus) {
    const changed = activeTab !== name;
    activeTab = name;
    const map = { conversation: "tab-conversation", chair: "tab-chair", run: "tab-run" };
    for (const [view, tabId] of Object.entries(map)) {
      const selected = view === name;
      const tab = $(tabId);
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      $("view-" + view).hidden = !selected;
      if (selected && focus) tab.focus();
    }
    if (name === "run" && changed) {
      const current = document.querySelector("#run tr.current");
      if (current) current.scrollIntoView({ block: "center" });
    }
  }

  function wire() {
    $("lang-select").addEventListener("change", async (e) => {
      const code = e.target.value;
      if (state && state.me) await send("/api/identity", { lang: code });
      await loadStrings(code);
      lastNotice = "?";
      if (state && state.me) connect();
      await refresh();
    });
    $("join-person").addEventListener("change", () => {
      const picked = Boolean($("join-person").value);
      $("join-name-field").hidden = picked;
      $("join-group-field").hidden = picked;
    });
    $("join-lang").addEventListener("change", async (e) => { await loadStrings(e.target.value); await refresh(); });
    $("join-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const person = $("join-person").value;
      const body = person ? { person, lang: $("join-lang").value }
        : { name: $("join-name").value, group: $("join-group").value, lang: $("join-lang").value };
      const result = await send("/api/join", body);
      if (!result.ok) return;
      await loadStrings(result.data.lang);
      await refresh();
      connect();
      $("main").focus();
    });
    $("sign-out").addEventListener("click", async () => {
      await send("/api/leave");
      if (source) source.close();
      source = null;
      $("log").replaceChildren();
      lastNotice = "?";
      await refresh();
    });
    document.querySelectorAll("[data-signal]").forEach((b) => b.addEventListener("click", () => sendSignal({ signal: b.dataset.signal })));
    $("signal-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = $("signal-text").value.trim();
      if (!text) return;
      const result = await sendSignal({ signal: "text", text });
      if (result.ok) $("signal-text").value = "";
    });
    $("composer").addEventListener("submit", async (e) => {
      e.preventDefault();
      const box = $("message");
      if (!box.value.trim()) return;
      const result = await send("/api/message", { text: box.value });
      if (result.ok) box.value = "";
    });
    $("message").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
    });
    document.querySelectorAll("[data-floor]").forEach((b) => b.addEventListener("click", async () => {
      const body = { action: b.dataset.floor };
      if (b.dataset.floor === "request") {
        body.kind = $("request-kind").value;
        body.note = $("request-note").value;
      }
      const result = await act(body);
      if (result.ok && b.dataset.floor === "request") $("request-note").value = "";
    }));
    document.querySelectorAll("[data-chair]").forEach((b) => b.addEventListener("click", () => {
      const verb = b.dataset.chair;
      const body = { action: verb };
      if (verb === "extend") body.value = $("extend-minutes").value;
      if (verb === "question") body.value = $("question-number").value;
      if (verb === "delay" || verb === "extend-discussion") body.value = $("plan-minutes").value;
      act(body);
    }));
    // One field per audience: the chair writes one (their own language first), the others are prefilled by
    // machine translation (the server applies the glossary) and stay editable; empty ones are left to the server.
    const announceLangs = ["en", "fr", "es"];
    const announceBox = (code) => $("announce-text-" + code);
    $("announce-translate").addEventListener("click", async () => {
      const source = [lang, ...announceLangs].find((code) => announceBox(code).value.trim());
      if (!source) return;
      const result = await send("/api/announce/draft", { text: announceBox(source).value, lang: source });
      if (!result.ok) return;
      const texts = result.data.texts;
      if (texts === null) { $("announce-done").textContent = t("console.announce.no_translator"); return; }
      let filled = 0;
      for (const [code, text] of Object.entries(texts)) {
        if (code !== source && !announceBox(code).value.trim()) { announceBox(code).value = text; filled += 1; }
      }
      // Nothing came back (the translator is failing or out of quota): the chair writes the others.
      $("announce-done").textContent = filled ? t("console.announce.filled") : t("console.announce.none");
    });
    $("announce-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const texts = {};
      announceLangs.forEach((code) => { if (announceBox(code).value.trim()) texts[code] = announceBox(code).value; });
      if (!Object.keys(texts).length) return;
      const result = await act({ action: "announce", texts });
      if (result.ok) {
        announceLangs.forEach((code) => { announceBox(code).value = ""; });
        $("announce-done").textContent = t("console.chair.done");
      }
    });
    const tabs = ["conversation", "chair", "run"];
    tabs.forEach((name) => $(name === "run" ? "tab-run" : "tab-" + name).addEventListener("click", () => showTab(name, false)));
    $("tabs").addEventListener("keydown", (e) => {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      const visible = tabs.filter((name) => !$(name === "run" ? "tab-run" : "tab-" + name).hidden);
      const at = visible.indexOf(activeTab);
      const next = visible[(at + (e.key === "ArrowRight" ? 1 : visible.length - 1)) % visible.length];
      showTab(next, true);
      e.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", async () => {
    wire();
    await loadStrings(lang);
    await refresh();
    if (state && state.me) connect();
    setInterval(tick, 250);
  });
})();

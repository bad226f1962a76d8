// The shared-link booking form, drawn in the browser from one data object sent by
// lib/web/link_page.py: the open days of the booking window, the desks, and each desk's state per
// half-day. Changing the day or the slot is answered here, without a round trip to the server,
// so a newsletter burst costs one light rerun per visitor (see bench/link_burst.py).
// Only two things go back to Python, as trigger values: "book" (the form) and "lang".

const STATE_CHARS = { f: "free", t: "taken", c: "closed", p: "past" };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// The state of desk i on a day, for a half ("am" | "pm"): free, taken, closed or past.
function halfState(data, day, i, half) {
  const row = data.states[day] || "";
  return STATE_CHARS[row.charAt(2 * i + (half === "am" ? 0 : 1))] || "closed";
}

function freeFor(data, day, i, slot) {
  const halves = slot === "day" ? ["am", "pm"] : [slot];
  return halves.every((h) => halfState(data, day, i, h) === "free");
}

function remember(root) {
  const form = root.querySelector("form");
  if (!form) return {};
  const value = (name) => (form.elements[name] ? form.elements[name].value : "");
  return { day: value("day"), slot: value("slot"), resource: value("resource"), name: value("name"), email: value("email") };
}

function draw(component) {
  const { data, parentElement, setTriggerValue } = component;
  const L = data.labels;
  const before = remember(parentElement);
  const root = parentElement.querySelector(".booker");
  root.replaceChildren();

  // The page's title is drawn here rather than by st.title: one element less on every rerun.
  const lang = el("button", { type: "button", class: "lang", lang: data.other_lang, text: L.other_language });
  lang.addEventListener("click", () => setTriggerValue("lang", data.other_lang));
  root.append(el("h1", { text: L.title }), el("p", { class: "intro" }, el("span", { text: L.intro }), lang));
  document.title = `${L.title} · ${data.space}`;  // the page has no st.navigation or page config to do it
  // Members sign in and book in the app, with no proof: the app's sign-in page is its root
  // (this page is served at the root and at /link).
  const signIn = window.location.pathname.replace(/link\/?$/, "") || "/";
  root.append(el("p", { class: "events" }, el("a", { href: signIn, text: L.sign_in, target: "_self" })));
  if (data.events_too) {  // a link made for both: its events are one page away
    const query = new URLSearchParams(window.location.search);
    query.set("view", "events");
    root.append(el("p", { class: "events" }, el("a", { href: `?${query}`, text: L.events, target: "_self" })));
  }

  if (!data.days.length) {
    root.append(el("p", { class: "notice", role: "status", text: L.no_days }));
    return;
  }

  const form = el("form", { novalidate: true });
  const days = el("select", { name: "day", id: "day" });
  for (const [iso, label] of data.days) days.append(el("option", { value: iso, text: label }));
  days.value = data.days.some(([iso]) => iso === before.day) ? before.day : data.default_day;

  const slots = el("fieldset", { class: "slots" }, el("legend", { text: L.slot }));
  for (const [value, label] of data.slots) {
    const input = el("input", { type: "radio", name: "slot", value, id: `slot-${value}` });
    slots.append(el("label", { for: `slot-${value}` }, input, el("span", { text: label })));
  }
  const slot = before.slot || "day";
  slots.querySelector(`input[value="${slot}"]`).checked = true;

  const desk = el("select", { name: "resource", id: "resource" });
  const freeCount = el("p", { class: "hint", role: "status" });
  const grid = el("tbody");
  const gridTitle = el("summary");

  const refresh = (keepDesk) => {
    const day = days.value;
    const chosenSlot = form.elements.slot.value || "day";
    const previous = keepDesk || desk.value;
    desk.replaceChildren();
    const zones = new Map();
    data.desks.forEach(([id, name, zone], i) => {
      if (!freeFor(data, day, i, chosenSlot)) return;
      if (!zones.has(zone)) zones.set(zone, el("optgroup", { label: zone }));
      zones.get(zone).append(el("option", { value: id, text: name }));
    });
    for (const group of zones.values()) desk.append(group);
    const n = desk.querySelectorAll("option").length;
    if (n && desk.querySelector(`option[value="${previous}"]`)) desk.value = previous;
    desk.disabled = n === 0;
    freeCount.textContent = n ? (n === 1 ? L.free_count_one : L.free_count).replace("{n}", n) : L.nothing_free;
    submit.disabled = n === 0;
    gridTitle.textContent = L.grid_caption.replace("{date}", days.selectedOptions[0].textContent);
    grid.replaceChildren();
    data.desks.forEach(([, name, zone], i) => {
      const cells = ["am", "pm"].map((h) => {
        const state = halfState(data, day, i, h);
        return el("td", { class: state, text: L.states[state] });
      });
      grid.append(el("tr", {}, el("td", { text: zone }), el("th", { scope: "row", text: name }), ...cells));
    });
  };

  const name = el("input", { name: "name", id: "name", required: true, maxlength: "200", autocomplete: "name" });
  const email = el("input", { name: "email", id: "email", type: "email", required: true, maxlength: "254",
                              autocomplete: "email", inputmode: "email" });
  name.value = before.name || "";
  email.value = before.email || "";
  const error = el("p", { class: "error", role: "alert", text: data.error || "" });
  const submit = el("button", { type: "submit", class: "primary", text: L.book });

  const table = el("table", {}, el("thead", {}, el("tr", {},
    el("th", { scope: "col", text: L.zone }), el("th", { scope: "col", text: L.resource }),
    el("th", { scope: "col", text: L.am }), el("th", { scope: "col", text: L.pm }))), grid);

  form.append(
    el("div", { class: "row" },
      el("div", { class: "field" }, el("label", { for: "day", text: L.day }), days), slots),
    el("div", { class: "field" }, el("label", { for: "resource", text: L.resource }), desk, freeCount),
    el("details", { class: "grid" }, gridTitle, table),
    el("div", { class: "row" },
      el("div", { class: "field" }, el("label", { for: "name", text: L.name }), name),
      el("div", { class: "field" }, el("label", { for: "email", text: L.email }), email)),
    error, submit, el("p", { class: "hint", text: L.hold_nothing }));
  root.append(form);

  days.addEventListener("change", () => refresh());
  slots.addEventListener("change", () => refresh());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // Say what is missing in the visitor's language before anything leaves the browser; the
    // database checks everything again.
    if (!name.value.trim()) { error.textContent = L.name_required; name.focus(); return; }
    if (!email.checkValidity() || !email.value.trim()) { error.textContent = L.email_invalid; email.focus(); return; }
    error.textContent = "";
    submit.disabled = true;
    submit.textContent = L.booking;
    setTriggerValue("book", { day: days.value, slot: form.elements.slot.value, resource: desk.value,
                              name: name.value, email: email.value });
  });
  refresh(before.resource);
}

// Python sends the data as JSON bytes (cheaper on its side than a dict, see window_payload).
function decode(raw) {
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) return JSON.parse(new TextDecoder().decode(raw));
  return typeof raw === "string" ? JSON.parse(raw) : raw;
}

export default function (component) {
  if (!component.parentElement.querySelector(".booker")) {
    component.parentElement.append(el("div", { class: "booker" }));
  }
  draw({ ...component, data: decode(component.data) });
}

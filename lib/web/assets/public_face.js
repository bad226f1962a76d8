// The space's public pages (lib/web/public_page.py), drawn in the browser from one data object:
// an ordered list of blocks (titles, cards, links, the search form, the contact form). Every text
// goes in with textContent: a member's words are shown as text, never as HTML. Moving between
// pages is plain links (each page has its own address); only the contact form goes back to
// Python, as the trigger value "contact".

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

// Our own addresses are relative queries, paths or the app's; a member's link must be http(s).
function link(item, cls) {
  const href = String(item.href || "");
  const safe = href.startsWith("?") || /^\/(?!\/)/.test(href) || /^https?:\/\//i.test(href);
  const a = el("a", { class: cls || "button", href: safe ? href : "#", text: item.text });
  if (item.external) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
  else if (item.top) a.target = "_top";
  else a.target = "_self";
  return a;
}

function contactForm(block, setTriggerValue) {
  const box = el("section", { class: "contact" }, el("h2", { text: block.title }));
  if (block.sent) {
    box.append(el("p", { class: "notice success", role: "status", text: block.check_email }));
    return box;
  }
  box.append(el("p", { class: "muted", text: block.help }));
  const form = el("form", { novalidate: true });
  const name = el("input", { id: "pf-name", name: "name", autocomplete: "name", maxlength: "200" });
  const email = el("input", { id: "pf-email", name: "email", type: "email", autocomplete: "email", maxlength: "254" });
  const message = el("textarea", { id: "pf-message", name: "message", rows: "5", maxlength: "2000" });
  const error = el("p", { class: "error", role: "alert", text: block.error || "" });
  const submit = el("button", { type: "submit", class: "primary", text: block.send });
  form.append(
    el("label", { for: "pf-name", text: block.name }), name,
    el("label", { for: "pf-email", text: block.email }), email,
    el("label", { for: "pf-message", text: block.message }), message, error, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!name.value.trim()) { error.textContent = block.name_required; name.focus(); return; }
    if (!email.value.trim() || !email.checkValidity()) { error.textContent = block.email_invalid; email.focus(); return; }
    if (!message.value.trim()) { error.textContent = block.message_required; message.focus(); return; }
    error.textContent = "";
    submit.disabled = true;
    submit.textContent = block.sending;
    setTriggerValue("contact", { member: block.member, name: name.value, email: email.value,
                                 message: message.value, attempt: block.attempt || 0 });
  });
  box.append(form);
  return box;
}

function searchForm(block) {
  const form = el("form", { class: "search", method: "get", role: "search" });
  for (const [key, value] of Object.entries(block.hidden || {})) {
    form.append(el("input", { type: "hidden", name: key, value }));
  }
  const input = el("input", { id: "pf-q", name: "q", type: "search", placeholder: block.placeholder,
                              maxlength: "100", value: block.value || "" });
  form.append(el("label", { for: "pf-q", text: block.label }),
              el("div", { class: "row" }, input, el("button", { type: "submit", text: block.button })));
  return form;
}

const DRAW = {
  lang: (b) => el("nav", { class: "lang" }, ...b.items.map((i) => {
    const a = link(i, i.current ? "current" : "");
    if (i.current) a.setAttribute("aria-current", "true");
    const code = new URLSearchParams(i.href.slice(1)).get("lang");
    a.addEventListener("click", () => { try { window.localStorage.setItem(LANG_KEY, code); } catch (e) { /* none */ } });
    return a;
  })),
  h1: (b) => el("h1", { text: b.text }),
  h2: (b) => el("h2", { text: b.text }),
  p: (b) => el("p", { class: b.muted ? "muted" : "", text: b.text }),
  pre: (b) => el("p", { class: "pre", text: b.text }),
  notice: (b) => el("p", { class: `notice ${b.kind || ""}`, text: b.text }),
  code: (b) => el("div", { class: "code" }, b.label ? el("span", { class: "muted", text: b.label }) : null,
                  el("code", { text: b.value })),
  links: (b) => el("p", { class: "links" }, ...b.items.map((i) => link(i))),
  item: (b) => el("p", { class: "item" }, el("span", { text: b.text }), b.href ? link({ href: b.href, text: b.link }, "small") : null),
  card: (b) => el("article", { class: "card" }, el("h3", { text: b.title }),
                  ...b.lines.map((line) => el("p", { class: "muted", text: line })),
                  link({ href: b.href, text: b.link }, "small")),
  pager: (b) => el("nav", { class: "pager" },
                   b.prev ? link({ href: b.prev, text: `‹ ${b.prev_text}` }) : el("span"),
                   el("span", { class: "muted", text: b.text }),
                   b.next ? link({ href: b.next, text: `${b.next_text} ›` }) : el("span")),
  search: searchForm,
};

function decode(raw) {
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) return JSON.parse(new TextDecoder().decode(raw));
  return typeof raw === "string" ? JSON.parse(raw) : raw;
}

// The language switch is remembered in this browser: a bare address opened later (a bookmark,
// the newsletter's link) comes back in the language last chosen. Our own links carry `lang`.
const LANG_KEY = "cantine.public.lang";

function rememberedLanguage(data) {
  try {
    const query = new URLSearchParams(window.location.search);
    const saved = window.localStorage.getItem(LANG_KEY);
    if (!query.has("lang") && (saved === "fr" || saved === "en") && saved !== data.lang) {
      query.set("lang", saved);
      window.location.replace(`?${query}`);
      return true;
    }
  } catch (e) { /* no storage (private mode, a sandboxed frame): the address decides */ }
  return false;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = decode(component.data);
  if (rememberedLanguage(data)) return;
  let root = parentElement.querySelector(".face");
  if (!root) { root = el("div", { class: "face" }); parentElement.append(root); }
  // what the visitor typed survives a redraw (the answer to a refused message comes back as data)
  const typed = {};
  for (const field of root.querySelectorAll("form:not(.search) input, form:not(.search) textarea")) typed[field.id] = field.value;
  root.className = data.embed ? "face embed" : "face";
  root.setAttribute("lang", data.lang);
  root.replaceChildren(...data.blocks.map((b) => (b.t === "contact" ? contactForm(b, setTriggerValue) : DRAW[b.t](b))));
  for (const [id, value] of Object.entries(typed)) {
    const field = root.querySelector(`#${id}`);
    if (field && !field.value) field.value = value;
  }
  document.title = data.title;
  document.documentElement.lang = data.lang;
}

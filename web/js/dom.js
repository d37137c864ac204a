// Building the page: every element is made with createElement and every text goes in
// with textContent, so nothing the server or a person typed is ever read as HTML.

/* h("button#id.big", {type: "button", onclick: f}, "Pass", child...): an element with
 * its id after a #, classes after the dots, attributes or properties, and children
 * (strings become text, null and false are left out, arrays are flattened). */
export function h(tag, attrs, ...children) {
  const [head, ...classes] = tag.split(".");
  const [name, id] = head.split("#");
  const el = document.createElement(name || "div");
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (k === "value" || k === "checked" || k === "disabled") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

/* A small icon drawn with SVG paths in a 24x24 box (hidden from screen readers: the
 * text next to it says the same thing). */
export function icon(name) {
  const paths = ICONS[name] || ICONS.dot;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `icon icon-${name}`);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of paths) {
    const p = document.createElementNS(SVG, "path");
    p.setAttribute("d", d);
    svg.append(p);
  }
  return svg;
}

// Line drawings, stroked by app.css (.icon path).
const ICONS = {
  pass: ["M4 12.5l5 5L20 6.5"],
  fail: ["M6 6l12 12", "M18 6L6 18"],
  lock: ["M6 11h12v10H6z", "M8.5 11V8a3.5 3.5 0 0 1 7 0v3"],
  unlock: ["M6 11h12v10H6z", "M8.5 11V8a3.5 3.5 0 0 1 6.8-1.2"],
  unknown: ["M9 9a3 3 0 1 1 4 2.8c-.8.4-1 1-1 1.7V15", "M12 18.5v.5"],
  warning: ["M12 3L2 21h20z", "M12 10v5", "M12 18v.5"],
  caution: ["M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z", "M12 7.5v6", "M12 16.5v.5"],
  note: ["M5 3h10l4 4v14H5z", "M8 11h8", "M8 15h8"],
  back: ["M15 5l-7 7 7 7"],
  next: ["M9 5l7 7-7 7"],
  plug: ["M9 2v5", "M15 2v5", "M6 7h12v4a6 6 0 0 1-12 0z", "M12 17v5"],
  clock: ["M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z", "M12 7v5l3 2"],
  dot: ["M11 11h2v2h-2z"],
};

/* Empty EL and put CHILDREN in it. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/* Say TEXT to screen readers through the page's polite live region. */
export function announce(text) {
  const live = document.getElementById("live");
  if (!live) return;
  live.textContent = "";
  // A fresh text node after a tick, so that the same words twice are read twice.
  setTimeout(() => { live.textContent = text; }, 50);
}

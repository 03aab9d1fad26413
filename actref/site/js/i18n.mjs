// The translated messages of the live plots and the Explorer (imported by live-plot.js, link.mjs, registry.mjs).
//
// t("English text {field}", {field: value}) is the page's translation of the message, with its placeholders
// filled: window.actrefT, defined by assets/actref/messages.js (actref.site.live_assets; see js/messages.js).
// Where that is not loaded (Node's tests, tests/js/), it is the English message itself. A message is always one
// double-quoted string literal, so that actref.site.live_assets.js_messages finds it for the catalogue.

const fill = (text, fields) =>
  fields ? text.replace(/\{(\w+)\}/g, (whole, key) => (Object.prototype.hasOwnProperty.call(fields, key) ? String(fields[key]) : whole)) : text;

export function t(message, fields) {
  const translate = globalThis.actrefT;
  return typeof translate === "function" ? translate(message, fields) : fill(message, fields);
}

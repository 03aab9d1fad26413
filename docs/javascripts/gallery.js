// The All activations gallery (actref.site.gallery): filters by family and by property, and a sort control.
//
// Every card is in the page without JavaScript; this only adds the controls above the cards. A card shows when
// its family is one of the families ticked (none ticked: any family) and it has every property ticked. The
// table under the gallery follows the same filters, row by row (the row's link names its activation).
// document$ is Material's page observable: this runs on the first load and after every instant navigation.
// Its words are in the page's language: window.actrefT (assets/actref/messages.js) translates them; the family
// and property labels come translated in the gallery's data-filters (actref.site.gallery).
(function () {
  // (Without assets/actref/messages.js the English message itself, its {fields} filled.)
  const t = (message, fields) =>
    window.actrefT ? window.actrefT(message, fields) : message.replace(/\{(\w+)\}/g, (m, k) => (fields && k in fields ? String(fields[k]) : m));
  const SORTS = () => [
    ["order", t("family")],
    ["title", t("name")],
    ["smoothness", t("smoothness (smoothest first)")],
  ];

  function element(tag, attributes, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes || {})) {
      if (k === "text") el.textContent = v;
      else el.setAttribute(k, v);
    }
    for (const child of children) if (child) el.append(child);
    return el;
  }

  function checkboxes(gallery, group, legend, items, counts, onChange) {
    const boxes = [];
    const set = element("fieldset", { class: "actref-gallery-filter" }, element("legend", { text: legend }));
    for (const [key, label] of items) {
      const id = `actref-gallery-${group}-${key}`;
      const box = element("input", { type: "checkbox", id, value: key });
      box.addEventListener("change", onChange);
      boxes.push(box);
      set.append(element("span", { class: "actref-gallery-option" }, box, element("label", { for: id, text: t("{label} ({count})", { label, count: counts[key] || 0 }) })));
    }
    return { set, boxes };
  }

  function mount(gallery) {
    const list = gallery.querySelector(".actref-cards");
    if (!list || gallery.querySelector(".actref-gallery-controls")) return;
    let filters;
    try {
      filters = JSON.parse(gallery.dataset.filters);
    } catch (e) {
      console.error("actref gallery: data-filters is not JSON", e);
      return;
    }
    const cards = Array.from(list.querySelectorAll(":scope > .actref-card"));
    const propertiesOf = (card) => (card.dataset.properties || "").split(" ").filter(Boolean);
    const familyCounts = {};
    const propertyCounts = {};
    for (const card of cards) {
      familyCounts[card.dataset.family] = (familyCounts[card.dataset.family] || 0) + 1;
      for (const p of propertiesOf(card)) propertyCounts[p] = (propertyCounts[p] || 0) + 1;
    }
    const families = checkboxes(gallery, "family", t("Family"), filters.families, familyCounts, update);
    const properties = checkboxes(gallery, "properties", t("Properties"), filters.properties, propertyCounts, update);
    const sortId = "actref-gallery-sort";
    const sort = element("select", { id: sortId });
    for (const [key, label] of SORTS()) sort.append(element("option", { value: key, text: label }));
    sort.addEventListener("change", reorder);
    const clear = element("button", { type: "button", class: "actref-live-button", text: t("Clear filters") });
    clear.addEventListener("click", () => {
      for (const box of [...families.boxes, ...properties.boxes]) box.checked = false;
      update();
    });
    const status = element("p", { class: "actref-gallery-status", role: "status" });
    const controls = element(
      "div",
      { class: "actref-gallery-controls" },
      families.set,
      properties.set,
      element("p", { class: "actref-gallery-sort" }, element("label", { for: sortId, text: t("Sort by ") }), sort, " ", clear),
      status,
    );
    gallery.insertBefore(controls, list);

    const rows = Array.from(document.querySelectorAll(".actref-all-table table tbody tr"));
    const rowName = (row) => {
      const link = row.querySelector("a[href]");
      return link ? link.getAttribute("href").replace(/\/(index\.html)?$/, "").split("/").pop() : null;
    };

    function update() {
      const wantFamilies = families.boxes.filter((b) => b.checked).map((b) => b.value);
      const wantProperties = properties.boxes.filter((b) => b.checked).map((b) => b.value);
      const shown = new Set();
      for (const card of cards) {
        const have = propertiesOf(card);
        const ok =
          (wantFamilies.length === 0 || wantFamilies.includes(card.dataset.family)) &&
          wantProperties.every((p) => have.includes(p));
        card.hidden = !ok;
        if (ok) shown.add(card.dataset.name);
      }
      for (const row of rows) {
        const name = rowName(row);
        if (name !== null) row.hidden = !shown.has(name);
      }
      status.textContent =
        shown.size === 0
          ? t("No activation matches every filter ticked; untick one, or clear the filters.")
          : shown.size === cards.length
            ? t("Showing all {count} activations.", { count: cards.length })
            : t("Showing {shown} of {count} activations (the table below too).", { shown: shown.size, count: cards.length });
    }

    function reorder() {
      const key = sort.value;
      const value = (card) => (key === "title" ? card.dataset.title.toLowerCase() : Number(card.dataset[key]));
      const sorted = cards.slice().sort((a, b) => {
        const x = value(a);
        const y = value(b);
        if (x < y) return -1;
        if (x > y) return 1;
        return Number(a.dataset.order) - Number(b.dataset.order);
      });
      list.append(...sorted);
    }

    update();
  }

  const start = (root) => root.querySelectorAll(".actref-gallery").forEach(mount);
  if (typeof document$ !== "undefined") document$.subscribe(({ body }) => start(body));
  else document.addEventListener("DOMContentLoaded", () => start(document));
})();

// Makes every plain markdown table in the article sortable by clicking its header.
document$.subscribe(({ body }) => {
  body.querySelectorAll("article table:not([class])").forEach((table) => {
    new Tablesort(table);
  });
});

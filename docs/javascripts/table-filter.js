// Filters the table after a <div class="actref-table-filter"><input type="search"></div>: a row stays visible
// when its text contains every word typed (case-insensitive). Sorting (tablesort-init.js) is unaffected.
(function () {
  function tableAfter(block) {
    for (var el = block.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.tagName === "TABLE") return el;
      var inner = el.querySelector && el.querySelector("table");
      if (inner) return inner;
    }
    return null;
  }

  document$.subscribe(function (ref) {
    ref.body.querySelectorAll(".actref-table-filter").forEach(function (block) {
      var input = block.querySelector("input");
      var table = tableAfter(block);
      if (!input || !table || !table.tBodies[0]) return;
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var text = row.textContent.toLowerCase();
          row.hidden = !words.every(function (w) {
            return text.indexOf(w) !== -1;
          });
        });
      });
    });
  });
})();

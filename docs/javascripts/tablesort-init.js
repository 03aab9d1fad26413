// Makes every plain markdown table in the article sortable by clicking its header.
//
// Columns whose cells are all numbers (or missing) sort numerically: "−0.28", "2.5", "88.1 ± 0.3", "12%" and
// "3.1×" read as numbers. Missing values ("—", "n/a …", empty) always go last, in either direction.
(function () {
  var NUMBER = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:%|×)?(?:\s*±.*)?$/;

  function text(cell) {
    return (cell ? cell.textContent : "").trim();
  }

  function isMissing(s) {
    return s === "" || s === "—" || s === "-" || /^n\/a\b/i.test(s);
  }

  function numberOf(s) {
    var m = NUMBER.exec(s.replace(/\u2212/g, "-")); // the pages write minus signs as U+2212
    return m ? parseFloat(m[1]) : null;
  }

  // Tablesort's sort functions compare (a, b) as b − a; it reverses the result for ascending order.
  Tablesort.extend(
    "actref-number",
    function () {
      return false; // never picked automatically; set on numeric headers below
    },
    function (a, b) {
      var x = parseFloat(a);
      var y = parseFloat(b);
      return (isNaN(y) ? -Infinity : y) - (isNaN(x) ? -Infinity : x) || 0;
    }
  );

  function markNumericColumns(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var body = table.tBodies[0];
    if (!head || !body) return;
    for (var c = 0; c < head.cells.length; c++) {
      var values = [];
      var numeric = true;
      var seen = 0;
      for (var r = 0; r < body.rows.length; r++) {
        var s = text(body.rows[r].cells[c]);
        if (isMissing(s)) {
          values.push(null);
          continue;
        }
        var v = numberOf(s);
        if (v === null) {
          numeric = false;
          break;
        }
        values.push(v);
        seen++;
      }
      if (!numeric || seen === 0) continue;
      head.cells[c].setAttribute("data-sort-method", "actref-number");
      for (r = 0; r < body.rows.length; r++) {
        var cell = body.rows[r].cells[c];
        if (cell) cell.setAttribute("data-sort", values[r] === null ? "" : String(values[r]));
      }
    }
  }

  // After every sort, move rows whose sorted cell is missing to the end (keeping their order).
  function missingLast(table, sorter) {
    var column = sorter.col;
    var body = table.tBodies[0];
    var missing = [];
    for (var r = 0; r < body.rows.length; r++) {
      if (isMissing(text(body.rows[r].cells[column]))) missing.push(body.rows[r]);
    }
    missing.forEach(function (row) {
      body.appendChild(row);
    });
  }

  document$.subscribe(function (ref) {
    ref.body.querySelectorAll("article table:not([class])").forEach(function (table) {
      markNumericColumns(table);
      var sorter = new Tablesort(table);
      table.addEventListener("afterSort", function () {
        missingLast(table, sorter);
      });
    });
  });
})();

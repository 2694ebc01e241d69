// The report's search, filters and sortable tables. commands/report_html.py inlines this file
// unchanged and the page's Content-Security-Policy allows it by its sha256, so any edit here is
// hashed anew. It reads the page only: no network, no storage. Both sides of a search pass
// through fold(), so Arabic and Persian letter forms (ك/ک, ي/ی), zero-width non-joiners,
// diacritics and digit scripts never decide whether a text matches.
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[\u0643\u06aa]/g, "\u06a9")
      .replace(/[\u064a\u0649]/g, "\u06cc")
      .replace(/[\u0629\u06c0]/g, "\u0647")
      .replace(/[\u064b-\u065f\u0670\u0640]/g, "")
      .replace(/[\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
      .replace(/[\u06f0-\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/\s+/g, " ")
      .trim();
  }

  function persian(n) {
    return String(n).replace(/[0-9]/g, function (d) { return String.fromCharCode(0x06f0 + Number(d)); });
  }

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function byId(id) {
    return document.getElementById(id);
  }

  // --- search and filters -------------------------------------------------------------------

  function item(row) {
    return {
      row: row,
      outlet: row.getAttribute("data-outlet"),
      day: row.getAttribute("data-day"),
      changed: row.getAttribute("data-changed") === "1",
      text: fold(row.textContent),
      compare: byId("copy-" + row.getAttribute("data-doc")),
    };
  }

  var releases = all("article.release").map(function (article) {
    var id = article.getAttribute("data-release");
    return {
      article: article,
      index: document.querySelector('tr[data-release="' + id + '"]'),
      source: article.getAttribute("data-source"),
      day: article.getAttribute("data-day"),
      text: fold(article.querySelector("h3").textContent + " " + article.querySelector(".meta").textContent),
      copies: all("tr.copy-row", article).map(item),
    };
  });
  var singles = all("tr.single-row").map(item);

  function show(element, visible) {
    if (element) {
      element.hidden = !visible;
    }
  }

  function apply() {
    var query = fold(byId("q").value);
    var outlet = byId("f-outlet").value;
    var source = byId("f-source").value;
    var since = byId("f-since").value;
    var until = byId("f-until").value;
    var changed = byId("f-changed").checked;
    var perCopy = outlet !== "" || changed;
    var counts = { releases: 0, copies: 0, singles: 0 };

    function onDay(day) {
      return (!since || day >= since) && (!until || day <= until);
    }
    function matches(text) {
      return !query || text.indexOf(query) !== -1;
    }
    function copyPasses(copy) {
      return (!outlet || copy.outlet === outlet) && (!changed || copy.changed);
    }

    releases.forEach(function (release) {
      var passes = (!source || release.source === source) && onDay(release.day);
      var named = matches(release.text);
      var copies = 0;
      release.copies.forEach(function (copy) {
        var visible = passes && copyPasses(copy) && (named || matches(copy.text));
        show(copy.row, visible);
        show(copy.compare, visible);
        copies += visible ? 1 : 0;
      });
      var visible = passes && (copies > 0 || (!perCopy && named));
      show(release.article, visible);
      show(release.index, visible);
      if (visible) {
        counts.releases += 1;
        counts.copies += copies;
      }
    });
    singles.forEach(function (single) {
      var visible = !source && !changed && onDay(single.day) && (!outlet || single.outlet === outlet) &&
        matches(single.text);
      show(single.row, visible);
      counts.singles += visible ? 1 : 0;
    });
    byId("explore-count").textContent =
      persian(counts.releases) + " خبر با " + persian(counts.copies) + " نسخه و " +
      persian(counts.singles) + " خبر تک\u200cنسخه\u200cای نشان داده شده";
  }

  var controls = byId("explore");
  if (controls) {
    controls.hidden = false;
    byId("q").addEventListener("input", apply);
    ["f-outlet", "f-source", "f-since", "f-until", "f-changed"].forEach(function (id) {
      byId(id).addEventListener("change", apply);
      byId(id).addEventListener("input", apply);
    });
    apply();
  }

  // --- sortable tables ----------------------------------------------------------------------

  // A cell's data-sort (a number; empty when it has none) orders it, else its folded text.
  function key(cell) {
    var value = cell.getAttribute("data-sort");
    if (value === null) {
      return fold(cell.textContent);
    }
    return value === "" ? null : Number(value);
  }

  function compare(a, b) {
    if (a === null || b === null) {
      return a === b ? 0 : a === null ? 1 : -1;
    }
    if (typeof a === "number" && typeof b === "number") {
      return a - b;
    }
    return String(a).localeCompare(String(b), "fa");
  }

  all("table.sortable").forEach(function (table) {
    var heads = all("th", table.tHead);
    heads.forEach(function (head, column) {
      head.tabIndex = 0;
      head.classList.add("sorts");
      function sort() {
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (row) {
          return { row: row, key: key(row.cells[column]) };
        });
        rows.sort(function (a, b) {
          var order = compare(a.key, b.key);
          // Rows without a value stay last whichever way the column runs.
          return a.key === null || b.key === null || ascending ? order : -order;
        });
        rows.forEach(function (entry) { body.appendChild(entry.row); });
      }
      head.addEventListener("click", sort);
      head.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sort();
        }
      });
    });
  });
})();

// The SPARQL editor at /sparql: YASGUI (vendored from @zazuko/yasgui) set up for this endpoint
// alone. Completion comes from this knowledge base (its prefixes, and the classes and properties its
// VoID counts), never from an outside service; IRIs in answers link to this site's pages; a chart
// view draws a numeric column; errors name their line and mark it; Esc then Tab leaves the editor.
// Without JavaScript the plain form below posts to /sparql and the server renders the answer.
(function () {
  "use strict";

  var host = document.getElementById("yasgui");
  if (!host || !window.Yasgui) {
    return;
  }
  var config = JSON.parse(host.getAttribute("data-config"));
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;
  var SVG = "http://www.w3.org/2000/svg";
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
  var announcer = document.getElementById("editor-announce");
  var downloads = document.getElementById("answer-downloads");

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // -- completion from this KB only -------------------------------------------------------------
  function fromThisKb(name, list) {
    var base = Yasqe.Autocompleters[name];
    if (base) {
      Yasqe.registerAutocompleter(Object.assign({}, base, {get: list, bulk: true, persistenceId: null}));
    }
  }
  fromThisKb("prefixes", Object.keys(config.prefixes).sort().map(function (p) {
    return p + ": <" + config.prefixes[p] + ">";
  }));
  fromThisKb("property", config.properties);
  fromThisKb("class", config.classes);

  // -- answers: IRIs link to this site's pages, a chart view, readable errors ------------------
  function pageOf(iri) {
    var found = null;
    Object.keys(config.pages).forEach(function (ns) {
      var rest = iri.slice(ns.length);
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9][A-Za-z0-9._~-]*$/.test(rest)) {
        found = config.pages[ns] + encodeURIComponent(rest);
      }
    });
    return found;
  }

  function localLinks(root) {
    Array.prototype.forEach.call(root.querySelectorAll("a.iri:not([data-iri])"), function (link) {
      var iri = link.getAttribute("href") || "";
      link.setAttribute("data-iri", iri);
      var page = pageOf(iri);
      if (page) {
        link.setAttribute("href", page);
        link.removeAttribute("target");
        link.setAttribute("title", iri);
      } else if (!/^https?:\/\//i.test(iri)) { // an IRI a query made up (javascript:...): text only
        link.replaceWith(document.createTextNode(link.textContent));
      }
    });
  }
  new MutationObserver(function () { localLinks(host); }).observe(host, {childList: true, subtree: true});

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
  }
  ChartPlugin.prototype.columns = function () {
    var results = this.yasr.results;
    var rows = (results && results.getBindings && results.getBindings()) || [];
    var vars = (results && results.getVariables()) || [];
    var numeric = vars.filter(function (v) {
      return rows.length > 0 && rows.every(function (row) {
        return !row[v] || (row[v].datatype && NUMERIC.test(row[v].datatype));
      }) && rows.some(function (row) { return row[v]; });
    });
    var labels = vars.filter(function (v) { return numeric.indexOf(v) < 0; });
    var literal = labels.filter(function (v) {
      return rows.every(function (row) { return !row[v] || row[v].type !== "uri"; });
    });
    return {rows: rows, value: numeric[0], label: literal[0] || labels[0]};
  };
  ChartPlugin.prototype.canHandleResults = function () {
    return !!this.columns().value;
  };
  ChartPlugin.prototype.getIcon = function () {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    [[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]].forEach(function (b) {
      var bar = svg.appendChild(document.createElementNS(SVG, "rect"));
      bar.setAttribute("x", b[0]); bar.setAttribute("y", b[1]);
      bar.setAttribute("width", b[2]); bar.setAttribute("height", b[3]);
    });
    return svg;
  };
  ChartPlugin.prototype.draw = function () {
    var c = this.columns();
    var shown = c.rows.slice(0, 40);
    var max = Math.max.apply(null, shown.map(function (r) { return Number(r[c.value] ? r[c.value].value : 0); }).concat([0]));
    var rowHeight = 22, labelWidth = 260, width = 720;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "answer-chart");
    svg.setAttribute("id", "answer-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("viewBox", "0 0 " + width + " " + (shown.length * rowHeight + 10));
    svg.setAttribute("aria-label", "Bar chart of " + c.value + (c.label ? " by " + c.label : "") +
      ", " + shown.length + " bars; the table view holds the same numbers");
    shown.forEach(function (row, i) {
      var value = Number(row[c.value] ? row[c.value].value : 0);
      var y = i * rowHeight + 5;
      var name = c.label && row[c.label] ? row[c.label].value.replace(/^.*[/#]/, "") : String(i + 1);
      var text = svg.appendChild(document.createElementNS(SVG, "text"));
      text.setAttribute("x", labelWidth - 6); text.setAttribute("y", y + 15);
      text.setAttribute("text-anchor", "end");
      text.textContent = name.length > 36 ? name.slice(0, 35) + "…" : name;
      var bar = svg.appendChild(document.createElementNS(SVG, "rect"));
      bar.setAttribute("x", labelWidth); bar.setAttribute("y", y + 3);
      bar.setAttribute("height", rowHeight - 6);
      bar.setAttribute("width", max > 0 ? Math.max(1, (width - labelWidth - 60) * value / max) : 1);
      var title = bar.appendChild(document.createElementNS(SVG, "title"));
      title.textContent = name + ": " + value;
      var figure = svg.appendChild(document.createElementNS(SVG, "text"));
      figure.setAttribute("x", labelWidth + (max > 0 ? (width - labelWidth - 60) * value / max : 0) + 4);
      figure.setAttribute("y", y + 15);
      figure.textContent = String(value);
    });
    var note = document.createElement("p");
    note.className = "muted";
    note.textContent = c.value + (c.label ? " by " + c.label : "") +
      (c.rows.length > shown.length ? "; the first " + shown.length + " of " + c.rows.length + " rows" : "");
    this.yasr.resultsEl.appendChild(note);
    this.yasr.resultsEl.appendChild(svg);
  };
  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.plugins.table.defaults.openIriInNewWindow = false;

  // The table sorts every cell by its text, so 15 came before 9: numbers sort as numbers. (The
  // table plugin's column list is wrapped; YASGUI is pinned, and the browser test sorts a count.)
  var tableColumns = Yasr.plugins.table.prototype.getColumns;
  Yasr.plugins.table.prototype.getColumns = function () {
    return tableColumns.call(this).map(function (column, index) {
      var render = column.render;
      if (index === 0 || !render) {
        return column;
      }
      column.render = function (data, type, row, meta) {
        if ((type === "sort" || type === "type") && data && data.datatype && NUMERIC.test(data.datatype)) {
          return Number(data.value);
        }
        return render(data, type, row, meta);
      };
      return column;
    });
  };

  function explainError(error) {
    var text = (error && error.text) || "";
    try {
      text = JSON.parse(text).error || text;
    } catch (ignored) {
      // not JSON: the text as it came
    }
    var box = document.createElement("div");
    var message = box.appendChild(document.createElement("p"));
    message.className = "error-message";
    message.id = "sparql-error";
    message.textContent = text || "The endpoint did not answer.";
    var where = /line (\d+), column (\d+)/.exec(text);
    if (where) {
      markError(Number(where[1]), Number(where[2]));
    }
    return Promise.resolve(box);
  }
  Yasr.defaults.errorRenderers = [explainError];

  function markError(line, column) {
    var yasqe = yasgui.getTab().getYasqe();
    var index = Math.min(line, yasqe.lineCount()) - 1;
    yasqe.addLineClass(index, "background", "query-error-line");
    yasqe.setCursor({line: index, ch: Math.max(column - 1, 0)});
    var clear = function () {
      yasqe.removeLineClass(index, "background", "query-error-line");
      yasqe.off("change", clear);
    };
    yasqe.on("change", clear);
    announce("Syntax error at line " + line + ", column " + column + ".");
  }

  // -- the editor itself ------------------------------------------------------------------------
  // It replaces the plain form, shown before it is built (CodeMirror measures a hidden box as
  // empty); the server's answer to a shared link is run again by the editor.
  ["sparql-form", "sparql-results"].forEach(function (id) {
    var node = document.getElementById(id);
    if (node) {
      node.hidden = true;
    }
  });
  host.hidden = false;
  document.getElementById("editor-keys").hidden = false;
  var yasgui = new window.Yasgui(host, {
    requestConfig: {endpoint: config.endpoint, method: "POST"},
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: config.endpoint}]; }, keys: []},
    persistenceId: "kb-sparql",
    yasqe: {value: config.query},
    yasr: {prefixes: config.prefixes}
  });

  // Esc then Tab (or Shift+Tab) leaves the editor, like any other field: YASQE's own Esc drops the
  // focus on the page body, which sends a keyboard user back to the top. The Tab after Esc is left
  // to the browser; any other key re-arms Tab for indenting.
  function prepare(tab) {
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || yasqe.kbPrepared) {
      return;
    }
    yasqe.kbPrepared = true;
    yasqe.getInputField().setAttribute("aria-label", "SPARQL query; Esc then Tab leaves the editor");
    var escaped = false;
    yasqe.addKeyMap({
      "Esc": function () {
        escaped = true;
        announce("Press Tab to leave the editor, or Shift+Tab to go back.");
      }
    });
    yasqe.on("keydown", function (cm, event) {
      if (event.key === "Tab" && escaped) {
        event.codemirrorIgnore = true;
      }
      if (event.key !== "Escape") {
        escaped = false;
      }
    });
  }

  function answerLinks(tab) {
    var query = tab.getQuery();
    var yasqe = tab.getYasqe();
    var kind = yasqe && /^(CONSTRUCT|DESCRIBE)$/.test(yasqe.getQueryType()) ? "graph" : "results";
    downloads.textContent = "Download this answer as ";
    config.formats[kind].forEach(function (format, index) {
      if (index > 0) {
        downloads.appendChild(document.createTextNode(" · "));
      }
      var link = downloads.appendChild(document.createElement("a"));
      link.href = config.endpoint + "?query=" + encodeURIComponent(query) + "&format=" + encodeURIComponent(format[0]);
      link.setAttribute("download", "answer." + format[0]);
      link.textContent = format[1];
    });
    downloads.hidden = false;
  }

  yasgui.on("tabChange", function (instance, tab) { prepare(tab); });
  yasgui.on("tabSelect", function () { window.setTimeout(function () { prepare(yasgui.getTab()); }, 0); });
  yasgui.on("queryResponse", function (instance, tab) { answerLinks(tab); });
  prepare(yasgui.getTab());

  Array.prototype.forEach.call(document.querySelectorAll("a.example[data-query]"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var tab = yasgui.addTab(true, {name: link.textContent.slice(0, 40), yasqe: {value: link.getAttribute("data-query")}});
      prepare(tab);
      host.scrollIntoView();
      tab.query();
    });
  });
}());

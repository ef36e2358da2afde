// The SPARQL editor at /sparql: CodeMirror on the query box; answers are fetched as SPARQL JSON
// (Turtle for CONSTRUCT and DESCRIBE) and shown as a table whose IRIs link to the KB's pages.
// Without JavaScript the form posts to /sparql and the server renders the same table.
(function () {
  "use strict";

  var form = document.getElementById("sparql-form");
  if (!form || !window.CodeMirror) {
    return;
  }
  var textarea = document.getElementById("sparql-query");
  var formatSelect = document.getElementById("sparql-format");
  var results = document.getElementById("sparql-results");
  var prefixes = JSON.parse(form.getAttribute("data-prefixes") || "{}");
  var pages = JSON.parse(form.getAttribute("data-pages") || "{}");
  var formats = JSON.parse(form.getAttribute("data-formats") || "{}");
  var XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";

  var editor = CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query",
    lineNumbers: true,
    indentUnit: 2,
    viewportMargin: Infinity,
    extraKeys: {"Ctrl-Enter": run, "Cmd-Enter": run}
  });

  form.addEventListener("submit", function (event) {
    editor.save();
    if (formatSelect.value) {
      return; // a download in a chosen format: let the browser post the form
    }
    event.preventDefault();
    run();
  });

  Array.prototype.forEach.call(document.querySelectorAll("a.example[data-query]"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      editor.setValue(link.getAttribute("data-query"));
      window.scrollTo(0, 0);
      run();
    });
  });

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function shorten(iri) {
    var best = "";
    var bestPrefix = null;
    Object.keys(prefixes).forEach(function (prefix) {
      var ns = prefixes[prefix];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && ns.length > best.length) {
        best = ns;
        bestPrefix = prefix;
      }
    });
    return bestPrefix === null ? iri : bestPrefix + ":" + iri.slice(best.length);
  }

  function pageOf(iri) {
    var found = null;
    Object.keys(pages).forEach(function (ns) {
      var rest = iri.slice(ns.length);
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9][A-Za-z0-9._~-]*$/.test(rest)) {
        found = pages[ns] + encodeURIComponent(rest);
      }
    });
    return found;
  }

  function cell(term) {
    var td = element("td");
    if (!term) {
      return td;
    }
    if (term.type === "uri") {
      var page = pageOf(term.value);
      var web = /^https?:\/\//i.test(term.value);
      if (!page && !web) { // an IRI a query made up, such as javascript:...: text, never a link
        td.appendChild(element("span", {"class": "term-other", title: term.value}, shorten(term.value)));
        return td;
      }
      var link = element("a", {href: page || term.value, title: term.value}, shorten(term.value));
      if (!page) {
        link.setAttribute("rel", "external nofollow");
      }
      td.appendChild(link);
    } else if (term.type === "bnode") {
      td.appendChild(element("span", {"class": "term-bnode"}, "_:" + term.value));
    } else {
      td.appendChild(document.createTextNode(term.value));
      var note = term["xml:lang"] || (term.datatype && term.datatype !== XSD_STRING ? shorten(term.datatype) : "");
      if (note) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(element("span", {"class": "term-note"}, note));
      }
    }
    return td;
  }

  function meta(text, truncated, limit) {
    var p = element("p", {"class": "result-meta", id: "result-meta"}, text);
    if (truncated) {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(element("strong", {"class": "truncated"},
        "— cut at the row limit of " + limit + "; add a LIMIT or narrow the query to see the rest."));
    }
    return p;
  }

  function table(data) {
    var vars = data.head.vars || [];
    var wrap = element("div", {"class": "table-scroll"});
    var t = element("table", {"class": "answer", id: "answer-table"});
    var headRow = element("tr");
    vars.forEach(function (name) {
      headRow.appendChild(element("th", {scope: "col"}, name));
    });
    t.appendChild(element("thead")).appendChild(headRow);
    var body = t.appendChild(element("tbody"));
    data.results.bindings.forEach(function (binding) {
      var row = element("tr");
      vars.forEach(function (name) {
        row.appendChild(cell(binding[name]));
      });
      body.appendChild(row);
    });
    wrap.appendChild(t);
    return wrap;
  }

  function downloads(query, kind) {
    var p = element("p", {"class": "downloads", id: "downloads"}, "Download this answer as ");
    (formats[kind] || []).forEach(function (format, index) {
      if (index > 0) {
        p.appendChild(document.createTextNode(" · "));
      }
      var href = form.getAttribute("action") + "?query=" + encodeURIComponent(query) +
        "&format=" + encodeURIComponent(format[0]);
      p.appendChild(element("a", {href: href, download: "answer." + format[0]}, format[1]));
    });
    return p;
  }

  function show(nodes) {
    results.textContent = "";
    nodes.forEach(function (node) {
      results.appendChild(node);
    });
  }

  function render(query, response, text) {
    var truncated = response.headers.get("X-Truncated") === "true";
    var limit = response.headers.get("X-Row-Limit");
    var seconds = response.headers.get("X-Query-Seconds") || "?";
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      var message = text;
      try {
        message = JSON.parse(text).error;
      } catch (ignored) {
        // not JSON: show the text as it came
      }
      show([element("p", {"class": "error-message", id: "sparql-error"}, message)]);
      return;
    }
    if (type.indexOf("json") < 0) {
      show([meta("Graph answer in " + seconds + " s", truncated, limit),
        element("pre", {"class": "graph-answer", id: "graph-answer"}, text), downloads(query, "graph")]);
      return;
    }
    var data = JSON.parse(text);
    if (typeof data.boolean === "boolean") {
      show([meta("ASK answer in " + seconds + " s", false, limit),
        element("p", {"class": "ask-answer", id: "ask-answer"}, String(data.boolean)),
        downloads(query, "results")]);
      return;
    }
    var count = data.results.bindings.length;
    var rows = count + (count === 1 ? " row" : " rows") + " in " + seconds + " s";
    show([meta(rows, truncated, limit), count ? table(data) : element("p", {"class": "muted", id: "no-rows"}, "No rows."),
      downloads(query, "results")]);
  }

  function run() {
    editor.save();
    var query = editor.getValue();
    show([element("p", {"class": "result-meta", id: "result-running"}, "Running…")]);
    fetch(form.getAttribute("action"), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: new URLSearchParams({query: query})
    }).then(function (response) {
      return response.text().then(function (text) {
        render(query, response, text);
      });
    }).catch(function (error) {
      show([element("p", {"class": "error-message", id: "sparql-error"}, "The endpoint did not answer: " + error)]);
    });
    if (query.length < 4000 && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?query=" + encodeURIComponent(query));
    }
  }
}());

/* The gcm-kg query page: a SPARQL editor with syntax highlighting, examples, results and links.
 *
 * No dependencies. The editor is a <textarea> laid over a <pre> that a small tokenizer colours.
 * Queries are POSTed to the endpoint as application/sparql-query with an explicit Accept:
 * SPARQL JSON results for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE, problem+json for errors.
 * Charts of SELECT results are drawn by the server: the page POSTs the results it has to
 * /api/chart and shows the SVG it gets back (downloads: that SVG, or a PNG drawn from it on a canvas).
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("gcm-config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var editor = $("editor");
  var highlight = $("highlight");
  var form = $("query-form");
  var runButton = $("run");
  var stopButton = $("stop");
  var statusLine = $("status");
  var errorBox = $("error");
  var output = $("output");
  var downloads = $("downloads");
  var chartPanel = $("chart-panel");
  var chartBox = $("chart");
  var chartNote = $("chart-note");

  var ACCEPT = "application/sparql-results+json, text/turtle;q=0.9, application/problem+json;q=0.5, text/plain;q=0.1";
  var PAGE_ROWS = 500;
  var MAX_URL = 4000; // longer GET URLs are refused by some servers and proxies
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var QUIET_TYPES = new Set(["integer", "decimal", "double", "boolean"].map(function (t) { return XSD + t; }));

  // ---------------------------------------------------------------------------------------------
  // Tokenizer: SPARQL 1.1 (and most of Turtle, for CONSTRUCT results)
  // ---------------------------------------------------------------------------------------------
  var KEYWORDS = new Set(("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED " +
    "OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND VALUES AS ORDER BY ASC DESC LIMIT OFFSET " +
    "GROUP HAVING NOT EXISTS IN UNDEF INSERT DELETE DATA WITH USING DEFAULT ALL LOAD CLEAR DROP " +
    "CREATE ADD MOVE COPY TO INTO SEPARATOR LATERAL A").split(" "));
  var FUNCTIONS = new Set(("COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT STR LANG LANGMATCHES DATATYPE " +
    "BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS " +
    "STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID " +
    "STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK " +
    "ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR " +
    "STRLANGDIR HASLANG HASLANGDIR").split(" "));
  var NAME = "A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\uFFFD";
  var RULES = [
    ["comment", /#[^\n]*/y],
    ["iri", /<[^<>"{}|^`\\\s]*>/y],
    ["string", /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*(?:"|(?=\n)|$)|'(?:[^'\\\n]|\\.)*(?:'|(?=\n)|$)/y],
    ["var", new RegExp("[?$][" + NAME + "0-9_\\u00B7\\u0300-\\u036F\\u203F-\\u2040]+", "y")],
    ["bnode", new RegExp("_:[" + NAME + "0-9_][" + NAME + "0-9_.\\-\\u00B7]*", "y")],
    ["langtag", /@[A-Za-z]+(?:-[A-Za-z0-9]+)*/y],
    ["pname", new RegExp("(?:[" + NAME + "][" + NAME + "0-9_.\\-\\u00B7]*)?:" +
      "(?:[" + NAME + "0-9_:\\-\\u00B7/]|%[0-9A-Fa-f]{2}|\\\\[_~.\\-!$&'()*+,;=/?#@%]|\\.(?=[" + NAME + "0-9_:%\\-]))*", "y")],
    ["number", /[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/y],
    ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
    ["space", /\s+/y],
    ["punct", /\^\^|&&|\|\||!=|<=|>=|[{}()[\].,;*+\-/=<>!|^]/y]
  ];

  function tokenize(text) {
    var tokens = [];
    var pos = 0;
    var n = text.length;
    while (pos < n) {
      var matched = false;
      for (var i = 0; i < RULES.length; i++) {
        var re = RULES[i][1];
        re.lastIndex = pos;
        var m = re.exec(text);
        if (m && m[0].length) {
          var kind = RULES[i][0];
          if (kind === "word") {
            var upper = m[0].toUpperCase();
            if (m[0] === "a" || (KEYWORDS.has(upper) && upper !== "A")) kind = "keyword";
            else if (FUNCTIONS.has(upper)) kind = "function";
            else if (upper === "TRUE" || upper === "FALSE") kind = "number";
          }
          tokens.push([kind, m[0], pos]);
          pos += m[0].length;
          matched = true;
          break;
        }
      }
      if (!matched) {
        tokens.push(["other", text[pos], pos]);
        pos += 1;
      }
    }
    return tokens;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* HTML of highlighted text; the token at `errorAt` (an offset) is marked. */
  function highlightHtml(text, errorAt) {
    var tokens = tokenize(text);
    var mark = -1;
    if (errorAt != null) {
      for (var i = 0; i < tokens.length; i++) {
        if (tokens[i][2] + tokens[i][1].length > errorAt) { mark = i; break; }
      }
      if (mark < 0) mark = tokens.length - 1;
      while (mark > 0 && tokens[mark][0] === "space") mark -= 1;
    }
    var html = "";
    for (var j = 0; j < tokens.length; j++) {
      var t = tokens[j];
      var cls = t[0] === "space" || t[0] === "other" || t[0] === "punct" ? "" : "t-" + t[0];
      if (j === mark) cls += " t-error";
      html += cls ? '<span class="' + cls.trim() + '">' + escapeHtml(t[1]) + "</span>" : escapeHtml(t[1]);
    }
    return html;
  }

  /* The query form (SELECT, ASK, CONSTRUCT or DESCRIBE) from its first keyword after the prologue. */
  function queryForm(text) {
    var tokens = tokenize(text);
    for (var i = 0; i < tokens.length; i++) {
      if (tokens[i][0] === "keyword") {
        var word = tokens[i][1].toUpperCase();
        if (word === "SELECT" || word === "ASK" || word === "CONSTRUCT" || word === "DESCRIBE") return word;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Editor
  // ---------------------------------------------------------------------------------------------
  var errorOffset = null;
  var pending = false;

  function render() {
    pending = false;
    highlight.innerHTML = highlightHtml(editor.value, errorOffset) + "\n ";
    syncScroll();
  }

  function scheduleRender() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(render);
    }
  }

  function syncScroll() {
    highlight.parentNode.scrollTop = editor.scrollTop;
    highlight.parentNode.scrollLeft = editor.scrollLeft;
  }

  function autoGrow() {
    var style = window.getComputedStyle(editor);
    var line = parseFloat(style.lineHeight) || 21;
    var max = Math.max(window.innerHeight * 0.7, line * 12);
    editor.style.height = "auto";
    editor.style.height = Math.min(editor.scrollHeight + 2, max) + "px";
  }

  function onEdit() {
    errorOffset = null;
    autoGrow();
    scheduleRender();
  }

  /* Insert text at the selection, keeping the browser's undo history where it can. */
  function insertText(text) {
    editor.focus();
    var done = false;
    try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done) {
      editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
      onEdit();
    }
  }

  function setQuery(text) {
    editor.focus();
    editor.select();
    insertText(text);
    editor.setSelectionRange(0, 0);
    editor.scrollTop = 0;
    onEdit();
  }

  var escapedTab = false;
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
      return;
    }
    if (event.key === "Escape") { escapedTab = true; return; }
    if (event.key === "Tab" && !event.shiftKey && !escapedTab && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      insertText("  ");
      return;
    }
    escapedTab = false;
    if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
      var before = editor.value.slice(0, editor.selectionStart);
      var lineStart = before.lastIndexOf("\n") + 1;
      var indent = /^[ \t]*/.exec(before.slice(lineStart))[0];
      if (/[{(]\s*$/.test(before)) indent += "  ";
      event.preventDefault();
      insertText("\n" + indent);
    }
  });
  editor.addEventListener("input", onEdit);
  editor.addEventListener("scroll", syncScroll);
  window.addEventListener("resize", autoGrow);

  // ---------------------------------------------------------------------------------------------
  // Prefixes
  // ---------------------------------------------------------------------------------------------
  function declaredPrefixes(tokens) {
    var declared = new Set();
    for (var i = 0; i < tokens.length; i++) {
      if (tokens[i][0] === "keyword" && tokens[i][1].toUpperCase() === "PREFIX") {
        for (var j = i + 1; j < tokens.length; j++) {
          if (tokens[j][0] === "space" || tokens[j][0] === "comment") continue;
          if (tokens[j][0] === "pname") declared.add(tokens[j][1].slice(0, tokens[j][1].indexOf(":")));
          break;
        }
      }
    }
    return declared;
  }

  function addMissingPrefixes() {
    var tokens = tokenize(editor.value);
    var declared = declaredPrefixes(tokens);
    var missing = [];
    tokens.forEach(function (t) {
      if (t[0] !== "pname") return;
      var prefix = t[1].slice(0, t[1].indexOf(":"));
      if (!declared.has(prefix) && missing.indexOf(prefix) < 0 && Object.prototype.hasOwnProperty.call(config.prefixes, prefix)) {
        missing.push(prefix);
      }
    });
    if (!missing.length) {
      statusLine.textContent = "Every prefix the query uses is declared (or unknown to this service).";
      return;
    }
    var lines = missing.map(function (p) { return "PREFIX " + p + ": <" + config.prefixes[p] + ">\n"; }).join("");
    editor.focus();
    editor.setSelectionRange(0, 0);
    insertText(lines);
    statusLine.textContent = "Added " + missing.length + " prefix declaration" + (missing.length > 1 ? "s" : "") + ": " + missing.join(", ") + ".";
  }

  // ---------------------------------------------------------------------------------------------
  // Links
  // ---------------------------------------------------------------------------------------------
  function datasetParams() {
    return config.dataset.map(function (pair) {
      return encodeURIComponent(pair[0]) + "=" + encodeURIComponent(pair[1]);
    });
  }

  function endpointUrl(extra) {
    var params = datasetParams().concat(extra || []);
    return config.endpoint + (params.length ? "?" + params.join("&") : "");
  }

  function shareUrl(query) {
    return new URL(endpointUrl(["query=" + encodeURIComponent(query)]), window.location.href).href;
  }

  function linkFor(iri) {
    if (!/^https?:\/\//i.test(iri)) return null; // never javascript:, data:, …
    if (config.localBase && iri.indexOf(config.base) === 0) return config.localBase + iri.slice(config.base.length);
    return iri;
  }

  var prefixEntries = Object.keys(config.prefixes).map(function (k) { return [k, config.prefixes[k]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  function compact(iri) {
    for (var i = 0; i < prefixEntries.length; i++) {
      var ns = prefixEntries[i][1];
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9_.~%\/-]*$/.test(iri.slice(ns.length))) {
        return prefixEntries[i][0] + ":" + iri.slice(ns.length);
      }
    }
    return "<" + iri + ">";
  }

  $("share").addEventListener("click", function () {
    var url = shareUrl(editor.value);
    var box = $("share-box");
    var field = $("share-url");
    var note = $("share-note");
    box.hidden = false;
    field.value = url;
    field.focus();
    field.select();
    var longNote = url.length > MAX_URL ? " It is long (" + url.length + " characters): some servers refuse URLs over 4 KB." : "";
    var copied = function () { note.textContent = "Link copied." + longNote; };
    var manual = function () { note.textContent = "Press Ctrl+C to copy the link." + longNote; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(copied, manual);
    else manual();
  });

  $("yasgui-link").addEventListener("click", function () {
    // YASGUI reads its settings from the fragment: query, endpoint, requestMethod, defaultGraph, namedGraph.
    var graphs = config.dataset.map(function (pair) {
      return "&" + (pair[0] === "default-graph-uri" ? "defaultGraph" : "namedGraph") + "=" + encodeURIComponent(pair[1]);
    }).join("");
    this.href = config.yasgui + "#query=" + encodeURIComponent(editor.value) +
      "&endpoint=" + encodeURIComponent(config.publicEndpoint) + "&requestMethod=POST" + graphs;
    this.target = "_blank";
  });

  $("add-prefixes").addEventListener("click", addMissingPrefixes);
  $("reset").addEventListener("click", function () {
    setQuery(config.defaultQuery || "");
  });

  // ---------------------------------------------------------------------------------------------
  // Running queries
  // ---------------------------------------------------------------------------------------------
  var controller = null;
  var lastRun = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function setBusy(busy) {
    runButton.disabled = busy;
    runButton.textContent = busy ? "Running…" : "Run query";
    stopButton.hidden = !busy;
    output.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function clearResults() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    output.textContent = "";
    downloads.hidden = true;
    downloads.querySelector("ul").textContent = "";
    clearChart();
  }

  function elapsed(started) {
    var ms = performance.now() - started;
    return ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(2) + " s";
  }

  function run() {
    var query = editor.value;
    if (!query.trim()) {
      showError("Empty query", "Type a SPARQL query first.", null);
      return;
    }
    if (controller) controller.abort();
    var mine = new AbortController();
    controller = mine;
    clearResults();
    setBusy(true);
    statusLine.textContent = "Running…";
    var shared = shareUrl(query);
    if (shared.length <= 8000 && window.history && history.replaceState) {
      try { history.replaceState(null, "", shared); } catch (e) { /* ignore */ }
    }
    var started = performance.now();
    fetch(endpointUrl(), {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": ACCEPT },
      body: query,
      signal: mine.signal
    }).then(function (response) {
      return response.text().then(function (text) { return [response, text]; });
    }).then(function (pair) {
      if (controller !== mine) return;
      controller = null;
      setBusy(false);
      var response = pair[0];
      var text = pair[1];
      var type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
      var took = elapsed(started);
      if (!response.ok) {
        showProblem(response, type, text);
        return;
      }
      if (type === "application/sparql-results+json" || type === "application/json") {
        var data = JSON.parse(text);
        if (typeof data.boolean === "boolean") {
          renderBoolean(data.boolean, took);
          showDownloads("ASK", query);
        } else {
          renderTable(data, response, took);
          showDownloads("SELECT", query);
          offerChart(data, query);
        }
      } else {
        renderGraph(text, type, took);
        showDownloads("GRAPH", query);
      }
      lastRun = query;
    }).catch(function (error) {
      if (controller === mine) { controller = null; setBusy(false); }
      if (error && error.name === "AbortError") {
        statusLine.textContent = "Stopped.";
      } else {
        showError("The query could not be sent", String(error && error.message || error), null);
      }
    });
  }

  stopButton.addEventListener("click", function () {
    if (controller) { controller.abort(); controller = null; setBusy(false); statusLine.textContent = "Stopped."; }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  // -- errors ---------------------------------------------------------------------------------
  function showProblem(response, type, text) {
    var title = response.status + " " + (response.statusText || "Error");
    var detail = text;
    var problem = null;
    if (type.indexOf("json") >= 0) {
      try { problem = JSON.parse(text); } catch (e) { problem = null; }
    }
    if (problem) {
      title = (problem.status || response.status) + " " + (problem.title || response.statusText || "Error");
      detail = problem.detail || text;
    }
    var line = problem && problem.line;
    var column = problem && problem.column;
    if (!line) {
      var m = /\bat (\d+):(\d+)/.exec(detail || "");
      if (m && response.status === 400) { line = +m[1]; column = +m[2]; }
    }
    var retry = response.headers.get("Retry-After");
    if (retry) detail += "\n(The server suggests retrying after " + retry + " s.)";
    showError(title, detail, line ? { line: line, column: column || 1 } : null);
  }

  function showError(title, detail, position) {
    statusLine.textContent = "The query failed.";
    errorBox.textContent = "";
    errorBox.appendChild(el("h3", "error-title", title));
    errorBox.appendChild(el("pre", "error-detail", detail));
    if (position) {
      var lines = editor.value.split("\n");
      var lineIndex = Math.min(position.line, lines.length) - 1;
      var offset = 0;
      for (var i = 0; i < lineIndex; i++) offset += lines[i].length + 1;
      var lineText = lines[lineIndex] || "";
      errorOffset = offset + Math.max(0, Math.min(position.column - 1, lineText.length - 1));
      render();
      var jump = el("button", "link-button", "Go to line " + position.line + ", column " + position.column);
      jump.type = "button";
      jump.addEventListener("click", function () {
        editor.focus();
        editor.setSelectionRange(errorOffset, errorOffset);
      });
      errorBox.appendChild(jump);
    }
    errorBox.hidden = false;
  }

  // -- results --------------------------------------------------------------------------------
  function termNode(term) {
    if (!term) return el("span", "unbound", "");
    if (term.type === "uri") {
      var href = linkFor(term.value);
      var node = el(href ? "a" : "span", "iri", compact(term.value));
      if (href) node.href = href;
      node.title = term.value;
      return node;
    }
    if (term.type === "bnode") return el("span", "bnode", "_:" + term.value);
    if (term.type === "triple") {
      var triple = el("span", "triple");
      triple.appendChild(document.createTextNode("<< "));
      ["subject", "predicate", "object"].forEach(function (k) {
        triple.appendChild(termNode(term.value[k]));
        triple.appendChild(document.createTextNode(" "));
      });
      triple.appendChild(document.createTextNode(">>"));
      return triple;
    }
    var literal = el("span", "literal");
    literal.appendChild(el("span", "value", term.value));
    if (term["xml:lang"]) {
      literal.appendChild(el("span", "lang", "@" + term["xml:lang"]));
    } else if (term.datatype && term.datatype !== XSD + "string") {
      if (QUIET_TYPES.has(term.datatype)) {
        literal.title = compact(term.datatype); // numbers and booleans speak for themselves
        literal.className += " typed";
      } else {
        var dt = el("span", "datatype", "^^" + compact(term.datatype));
        dt.title = term.datatype;
        literal.appendChild(dt);
      }
    }
    return literal;
  }

  function renderTable(data, response, took) {
    var vars = (data.head && data.head.vars) || [];
    var rows = (data.results && data.results.bindings) || [];
    var limit = response.headers.get("X-Row-Limit");
    var truncated = response.headers.get("X-Result-Truncated") === "true";
    statusLine.textContent = rows.length + (rows.length === 1 ? " result" : " results") + " · " + took +
      (truncated ? " · capped at " + limit + " rows" : "");
    if (truncated) {
      output.appendChild(el("p", "notice", "Only the first " + limit + " rows are shown: the endpoint caps " +
        "results (X-Row-Limit). Use LIMIT and OFFSET to page through the rest."));
    }
    var wrap = el("div", "table-wrap");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Result table");
    var table = el("table", "results");
    var caption = el("caption", "visually-hidden", "Query results: " + rows.length + " rows, " + vars.length + " columns");
    table.appendChild(caption);
    var thead = el("thead");
    var headRow = el("tr");
    var hash = el("th", "num", "#");
    hash.scope = "col";
    headRow.appendChild(hash);
    vars.forEach(function (v) {
      var th = el("th", null, "?" + v);
      th.scope = "col";
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    table.appendChild(thead);
    var tbody = el("tbody");
    table.appendChild(tbody);
    wrap.appendChild(table);
    output.appendChild(wrap);
    if (!rows.length) {
      var empty = el("tr");
      var cell = el("td", "empty", "No results.");
      cell.colSpan = vars.length + 1;
      empty.appendChild(cell);
      tbody.appendChild(empty);
      return;
    }
    var shown = 0;
    var more = el("button", "more", "");
    more.type = "button";
    function addRows() {
      var end = Math.min(rows.length, shown + PAGE_ROWS);
      var fragment = document.createDocumentFragment();
      for (var i = shown; i < end; i++) {
        var tr = el("tr");
        tr.appendChild(el("td", "num", String(i + 1)));
        for (var j = 0; j < vars.length; j++) {
          var td = el("td");
          td.appendChild(termNode(rows[i][vars[j]]));
          tr.appendChild(td);
        }
        fragment.appendChild(tr);
      }
      tbody.appendChild(fragment);
      shown = end;
      if (shown < rows.length) {
        more.textContent = "Show " + Math.min(PAGE_ROWS, rows.length - shown) + " more rows (" + (rows.length - shown) + " not shown)";
        if (!more.parentNode) output.appendChild(more);
      } else if (more.parentNode) {
        more.parentNode.removeChild(more);
      }
    }
    more.addEventListener("click", addRows);
    addRows();
  }

  function renderBoolean(value, took) {
    statusLine.textContent = "ASK · " + took;
    var box = el("p", "boolean " + (value ? "yes" : "no"));
    box.appendChild(el("span", "boolean-label", "Answer: "));
    box.appendChild(el("strong", null, value ? "true" : "false"));
    output.appendChild(box);
  }

  function renderGraph(text, type, took) {
    var lines = text ? text.split("\n").length - (text.endsWith("\n") ? 1 : 0) : 0;
    statusLine.textContent = (type || "RDF") + " · " + lines + (lines === 1 ? " line" : " lines") + " · " + took;
    var pre = el("pre", "graph");
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Result graph (" + type + ")");
    if (!text.trim()) {
      output.appendChild(el("p", "empty", "The result graph is empty."));
      return;
    }
    if (text.length <= 300000) pre.innerHTML = highlightHtml(text, null);
    else pre.textContent = text;
    output.appendChild(pre);
  }

  // -- downloads ------------------------------------------------------------------------------
  var DOWNLOADS = {
    SELECT: [["CSV", "csv", "text/csv", "csv"], ["TSV", "tsv", "text/tab-separated-values", "tsv"],
      ["JSON", "json", "application/sparql-results+json", "srj"], ["XML", "xml", "application/sparql-results+xml", "srx"]],
    ASK: [["JSON", "json", "application/sparql-results+json", "srj"], ["XML", "xml", "application/sparql-results+xml", "srx"]],
    GRAPH: [["Turtle", "ttl", "text/turtle", "ttl"], ["N-Triples", "nt", "application/n-triples", "nt"],
      ["JSON-LD", "jsonld", "application/ld+json", "jsonld"], ["RDF/XML", "rdf", "application/rdf+xml", "rdf"]]
  };

  function showDownloads(form, query) {
    var list = downloads.querySelector("ul");
    list.textContent = "";
    var kind = form === "CONSTRUCT" || form === "DESCRIBE" ? "GRAPH" : form;
    (DOWNLOADS[kind] || []).forEach(function (d) {
      var li = el("li");
      var a = el("a", "download", d[0]);
      a.href = endpointUrl(["query=" + encodeURIComponent(query), "format=" + d[1]]);
      a.setAttribute("download", "query-results." + d[3]);
      a.setAttribute("data-media-type", d[2]);
      a.title = "Download as " + d[2];
      a.addEventListener("click", function (event) {
        // POST, so that long queries work too; the href stays a GET link one can copy.
        event.preventDefault();
        download(query, d[2], "query-results." + d[3], a);
      });
      li.appendChild(a);
      list.appendChild(li);
    });
    downloads.hidden = false;
  }

  function download(query, mediaType, filename, link) {
    link.setAttribute("aria-busy", "true");
    fetch(endpointUrl(), {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": mediaType + ", application/problem+json;q=0.1" },
      body: query
    }).then(function (response) {
      return response.blob().then(function (blob) { return [response, blob]; });
    }).then(function (pair) {
      link.removeAttribute("aria-busy");
      if (!pair[0].ok) {
        return pair[1].text().then(function (text) {
          showProblem(pair[0], (pair[0].headers.get("Content-Type") || "").toLowerCase(), text);
        });
      }
      saveBlob(pair[1], filename);
    }).catch(function (error) {
      link.removeAttribute("aria-busy");
      showError("The download failed", String(error && error.message || error), null);
    });
  }

  function saveBlob(blob, filename) {
    var url = URL.createObjectURL(blob);
    var a = el("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // ---------------------------------------------------------------------------------------------
  // Charts (drawn by the server from the results: POST /api/chart)
  // ---------------------------------------------------------------------------------------------
  var chart = null; // the chart of the current results: {body, title, declared, svg, kind}
  var chartButtons = Array.prototype.slice.call(document.querySelectorAll("#chart-views button"));

  function clearChart() {
    chart = null;
    chartPanel.hidden = true;
    chartBox.textContent = "";
    chartNote.textContent = "";
    chartButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); if (b.dataset.kind !== "none") b.disabled = true; });
    $("chart-svg").disabled = true;
    $("chart-png").disabled = true;
  }

  /* The chart's title: the example's title if the query is an example as loaded, else the text of
     the query's first comment, else a plain one. */
  function chartTitle(query) {
    if (loadedExample && loadedExample.text === query) return loadedExample.title;
    var tokens = tokenize(query);
    for (var i = 0; i < tokens.length; i++) {
      if (tokens[i][0] === "comment") {
        var text = tokens[i][1].replace(/^#\+?\s*/, "").trim();
        if (text) return text;
      }
    }
    return "Query results";
  }

  function offerChart(data, query) {
    var rows = (data.results && data.results.bindings) || [];
    if (!rows.length) return;
    // One row more than a chart draws is enough for the server to say that there are too many.
    var sent = { head: data.head, results: { bindings: rows.slice(0, config.chartMaxRows + 1) } };
    chart = { body: JSON.stringify(sent), title: chartTitle(query), svg: null, kind: null,
      declared: loadedExample && loadedExample.text === query ? loadedExample.chart : null };
    chartPanel.hidden = false;
    requestChart(chart.declared ? chart.declared.kind : "auto");
  }

  function requestChart(kind) {
    var mine = chart;
    var params = [["kind", kind], ["title", mine.title]];
    if (mine.declared && mine.declared.kind === kind) {
      ["x", "y", "value"].forEach(function (role) { if (mine.declared[role]) params.push([role, mine.declared[role]]); });
    }
    chartNote.textContent = "Drawing the chart…";
    fetch(config.chart + "?" + params.map(function (p) { return p[0] + "=" + encodeURIComponent(p[1]); }).join("&"), {
      method: "POST",
      headers: { "Content-Type": "application/sparql-results+json", "Accept": "image/svg+xml, application/problem+json;q=0.5" },
      body: mine.body
    }).then(function (response) {
      return response.text().then(function (text) { return [response, text]; });
    }).then(function (pair) {
      if (chart !== mine) return; // other results since
      if (!pair[0].ok) {
        var detail = pair[1];
        try { detail = JSON.parse(pair[1]).detail || detail; } catch (e) { /* plain text */ }
        chartNote.textContent = "No chart: " + detail;
        return;
      }
      showChart(pair[1]);
    }).catch(function (error) {
      if (chart === mine) chartNote.textContent = "The chart could not be drawn: " + String(error && error.message || error);
    });
  }

  function showChart(text) {
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    var root = doc.documentElement;
    if (root.nodeName !== "svg" || doc.getElementsByTagName("parsererror").length) {
      chartNote.textContent = "No chart: the server's answer is not an SVG image.";
      return;
    }
    chart.svg = text;
    chart.kind = root.getAttribute("data-kind");
    var fits = (root.getAttribute("data-fits") || "").split(" ");
    chartButtons.forEach(function (b) {
      var kind = b.dataset.kind;
      if (kind !== "none") {
        b.disabled = fits.indexOf(kind) < 0 && kind !== chart.kind;
        b.title = b.disabled ? "The columns of these results do not fit this chart" : "";
      }
      b.setAttribute("aria-pressed", kind === chart.kind ? "true" : "false");
    });
    chartBox.textContent = "";
    chartBox.hidden = false;
    chartBox.appendChild(document.importNode(root, true));
    var count = root.getAttribute("data-rows");
    chartNote.textContent = chart.kind === "none" ? "" : (chartButtons.filter(function (b) {
      return b.dataset.kind === chart.kind; })[0] || { textContent: "Chart" }).textContent + " of " + count +
      (count === "1" ? " row" : " rows") + ". Hover a mark for its value.";
    $("chart-svg").disabled = false;
    $("chart-png").disabled = false;
  }

  chartButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (!chart) return;
      if (button.dataset.kind === "none") {
        chartBox.hidden = true;
        chartButtons.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
        chartNote.textContent = "The results are shown as a table only.";
        return;
      }
      requestChart(button.dataset.kind);
    });
  });

  $("chart-svg").addEventListener("click", function () {
    if (chart && chart.svg) saveBlob(new Blob([chart.svg], { type: "image/svg+xml" }), "query-chart.svg");
  });

  /* PNG: the SVG drawn on a canvas at twice its size (sharp on high-density screens). A data: URL
     (allowed by the page's img-src) keeps the canvas untainted, so it can be saved. */
  $("chart-png").addEventListener("click", function () {
    if (!chart || !chart.svg) return;
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = image.width * 2;
      canvas.height = image.height * 2;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { saveBlob(blob, "query-chart.png"); }, "image/png");
    };
    image.onerror = function () { chartNote.textContent = "The PNG could not be drawn."; };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(chart.svg);
  });

  // ---------------------------------------------------------------------------------------------
  // Examples (the canned queries of /api/queries; the page works without them)
  // ---------------------------------------------------------------------------------------------
  function exampleItems(data) {
    if (Array.isArray(data)) return data;
    if (!data || typeof data !== "object") return [];
    return data.queries || data.items || data.results || [];
  }

  function exampleText(item) {
    // A runnable text first: the canned query with its parameters' defaults bound.
    return item.sparql_with_defaults || item.standalone_sparql || item.sparql || item.query_text || item.text || item.standalone || (typeof item.query === "string" ? item.query : null);
  }

  function loadExamples() {
    var list = $("examples");
    fetch(config.examples, { headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      var items = exampleItems(data).filter(function (item) { return item && (item.title || item.name); });
      list.textContent = "";
      if (!items.length) {
        list.appendChild(el("li", "muted", "No examples on this server."));
        return;
      }
      items.forEach(function (item) {
        var li = el("li", "example");
        var button = el("button", "example-button", item.title || item.name);
        button.type = "button";
        button.setAttribute("data-name", item.name || "");
        button.addEventListener("click", function () { useExample(item, button); });
        li.appendChild(button);
        if (item.description) li.appendChild(el("p", "example-description", item.description));
        list.appendChild(li);
      });
    }).catch(function () {
      list.textContent = "";
      list.appendChild(el("li", "muted", "No examples available (the examples API did not answer)."));
    });
  }

  var loadedExample = null; // the example last loaded into the editor: its title and declared chart

  function useExample(item, button) {
    var text = exampleText(item);
    if (text) {
      setQuery(text);
      loadedExample = { text: editor.value, title: item.title || item.name, chart: item.chart || null };
      statusLine.textContent = "Loaded the example “" + (item.title || item.name) + "”. Press Run query or Ctrl+Enter.";
      return;
    }
    // The listing may leave the text out: ask for the one query.
    var url = item.href || item.url || (config.examples + "/" + encodeURIComponent(item.name));
    button.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (full) {
      button.removeAttribute("aria-busy");
      var found = exampleText(full);
      if (!found) throw new Error("no query text in " + url);
      item.sparql = found;
      useExample(item, button);
    }).catch(function (error) {
      button.removeAttribute("aria-busy");
      showError("The example could not be loaded", String(error && error.message || error), null);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------
  document.documentElement.classList.add("js");
  autoGrow();
  render();
  loadExamples();
  if (window.location.hash === "#run" && editor.value.trim()) run();

  // For tests and curious people: the tokenizer, as a read-only API.
  window.gcmQuery = { tokenize: tokenize, queryForm: queryForm, run: run, lastRun: function () { return lastRun; } };
})();

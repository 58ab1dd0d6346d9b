/* govgraph view pages: draw the network, legend, filters, search and the details panel.
 * Everything shown comes from the JSON block #gg-data and is written with textContent only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gg-data").textContent);
  var words = data.ui;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function plainTitle(text) {
    // vis-network shows a string title as text; an element makes that explicit.
    return text ? el("div", text) : undefined;
  }

  function typeName(t) { return (words.type_names || {})[t] || String(t || "").replace(/_/g, " "); }
  function relationName(r) { return (words.relation_names || {})[r] || String(r || "").split(":").pop().replace(/_/g, " "); }
  function listWords(items) {
    items = items.filter(function (x) { return x; });
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " " + words.and + " " + items[items.length - 1];
  }
  data.nodes.forEach(function (n) {
    n.title = plainTitle(n.gg_type === "cluster" ? n.title : n.label + " (" + typeName(n.gg_type) + ")");
  });
  data.edges.forEach(function (e) {
    e.title = plainTitle(e.label || relationName(e.gg_relation) + (e.gg_count > 1 ? " (\u00d7" + e.gg_count + ")" : ""));
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hidden = { type: new Set(), org: new Set(), relation: new Set() };
  var nodeView = new vis.DataView(nodes, {
    filter: function (n) { return !hidden.type.has(n.gg_type) && !hidden.org.has(n.gg_org || ""); }
  });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return !hidden.relation.has(e.gg_relation || ""); }
  });
  var network = new vis.Network(document.getElementById("network"),
    { nodes: nodeView, edges: edgeView }, data.options);
  window.network = network;
  window.govgraph = { data: data, nodes: nodes, edges: edges, focus: focusNode, showEdge: function (id) { showEdge(id); } };
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });

  function citations(list) {
    var box = el("div", null, "gg-citations");
    box.appendChild(el("h3", words.sources));
    if (!list || !list.length) { box.appendChild(el("p", words.no_sources)); return box; }
    list.forEach(function (c) {
      var src = (data.sources || {})[c.document] || {};
      var quote = el("blockquote", "\u201c" + c.quote + "\u201d", "gg-quote");
      if (src.language) quote.lang = src.language;
      box.appendChild(quote);
      var line = el("p", null, "gg-cite-title");
      var title = src.title || c.title || c.document;
      if (data.links.source) {
        var a = el("a", title);
        a.href = data.links.source + encodeURIComponent(c.document) + (c.anchor ? "#" + c.anchor : "");
        line.appendChild(a);
      } else {
        line.appendChild(el("cite", title));
      }
      var rest = [src.publisher, src.date].filter(function (x) { return x; });
      if (rest.length) line.appendChild(document.createTextNode(", " + rest.join(", ")));
      box.appendChild(line);
    });
    return box;
  }
  function fact(parent, name, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && !value.length)) return;
    var p = el("p");
    p.appendChild(el("strong", name + ": "));
    p.appendChild(document.createTextNode(Array.isArray(value) ? value.join(", ") : String(value)));
    parent.appendChild(p);
  }
  function showNode(id) {
    var n = nodes.get(id);
    if (!n) return;
    var body = document.getElementById("gg-details-body");
    body.replaceChildren();
    body.appendChild(el("h3", n.label, "gg-detail-label"));
    fact(body, words.type, typeName(n.gg_type));
    fact(body, words.organisation, n.gg_org);
    fact(body, words.also, n.gg_alt);
    if (n.gg_actions && n.gg_actions.length)
      fact(body, words.actions, listWords(n.gg_actions.map(function (a) { return (words.action_names || {})[a] || a; })));
    fact(body, words.distance, n.gg_distance);
    if (n.gg_criticality) fact(body, words.criticality, (words.criticality_names || {})[n.gg_criticality] || n.gg_criticality);
    if (n.gg_roles && n.gg_roles.length)
      fact(body, words.roles, listWords(n.gg_roles.map(function (r) { return (words.role_names || {})[r] || r; })));
    if (n.gg_members) {
      fact(body, words.members, n.gg_members.length);
      fact(body, words.relations, n.gg_inner_edges);
      var list = el("ul");
      n.gg_members.forEach(function (m) { list.appendChild(el("li", m)); });
      body.appendChild(list);
    }
    var target = n.gg_type === "cluster" ? n.gg_home : n.id;
    if (data.links.entity && target) {
      var a = el("a", words.open);
      a.href = data.links.entity + encodeURIComponent(target);
      body.appendChild(a);
    }
    body.appendChild(citations(n.gg_citations));
  }
  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    var body = document.getElementById("gg-details-body");
    body.replaceChildren();
    var from = nodes.get(e.from), to = nodes.get(e.to);
    body.appendChild(el("h3", (from ? from.label : e.from) + " \u2192 " + (to ? to.label : e.to)));
    fact(body, words.relation, e.label || listWords((e.gg_relations || [e.gg_relation]).map(relationName)));
    if (e.gg_count > 1) fact(body, words.edges_folded, e.gg_count);
    if (e.gg_criticality) fact(body, words.criticality, (words.criticality_names || {})[e.gg_criticality] || e.gg_criticality);
    body.appendChild(citations(e.gg_citations));
  }
  function focusNode(id) {
    if (!nodeView.get(id)) return false;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 300 } });
    showNode(id);
    return true;
  }
  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // Search box: every node's label and id; Enter or a choice focuses the best match.
  var names = document.getElementById("gg-node-names");
  nodes.forEach(function (n) { var o = el("option"); o.value = n.label; names.appendChild(o); });
  var search = document.getElementById("gg-search");
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    if (!q) return;
    var all = nodes.get();
    var hit = all.find(function (n) { return String(n.label).toLowerCase() === q || String(n.id) === q; }) ||
      all.find(function (n) { return String(n.label).toLowerCase().indexOf(q) >= 0; });
    if (hit) focusNode(hit.id);
  }
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") runSearch(); });

  // Legend and filters.
  var legend = document.getElementById("gg-legend");
  data.meta.legend.forEach(function (item) {
    var li = el("li");
    var swatch = el("span", null, "gg-swatch " + item.shape);
    swatch.style.background = item.colour;
    li.appendChild(swatch);
    li.appendChild(document.createTextNode(typeName(item.type)));
    legend.appendChild(li);
  });
  function filter(boxId, kind, values, label) {
    var box = document.getElementById(boxId);
    values.forEach(function (value) {
      var row = el("label");
      var input = el("input");
      input.type = "checkbox"; input.checked = true; input.value = value;
      input.dataset.kind = kind;
      input.addEventListener("change", function () {
        if (input.checked) hidden[kind].delete(value); else hidden[kind].add(value);
        nodeView.refresh(); edgeView.refresh();
      });
      row.appendChild(input);
      row.appendChild(document.createTextNode(" " + (label ? label(value) : value || "\u2014")));
      box.appendChild(row);
    });
  }
  filter("gg-filter-type", "type", data.meta.legend.map(function (i) { return i.type; }), typeName);
  filter("gg-filter-org", "org", data.meta.organisations,
    function (o) { return o || words.none; });
  filter("gg-filter-relation", "relation", data.meta.relations, relationName);

  // "Copy answer": the answer in words with its sources, as plain text for an e-mail.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.querySelector(button.dataset.copy);
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var clone = target.cloneNode(true);
      clone.querySelectorAll("button").forEach(function (b) { b.remove(); });
      clone.querySelectorAll("a[href]").forEach(function (a) {
        var href = new URL(a.getAttribute("href"), window.location.href);
        if (href.protocol === "http:" || href.protocol === "https:") a.textContent = a.textContent + " <" + href.href + ">";
      });
      document.body.appendChild(clone);
      clone.style.position = "absolute"; clone.style.left = "-10000px";
      var text = clone.innerText.replace(/\n{3,}/g, "\n\n").trim();
      clone.remove();
      navigator.clipboard.writeText(text).then(function () { button.textContent = words.copied; });
    });
  });

  // Question forms: names autocomplete from the app's search (same origin only).
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) {
            list.replaceChildren();
            hits.forEach(function (h) {
              var o = el("option", h.label + " (" + typeName(h.type) + ")"); o.value = h.id; list.appendChild(o);
            });
          })
          .catch(function () { /* autocomplete is a convenience; the form still works */ });
      }, 150);
    });
  });
  if (data.meta.root) network.once("afterDrawing", function () { network.selectNodes([data.meta.root]); });
})();

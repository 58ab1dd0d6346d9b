/* govgraph view pages: draw the network, legend, filters, search and the details panel.
 * Everything shown comes from the JSON block #gg-data and is written with textContent only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gg-data").textContent);
  var words = data.ui;
  var STRAIGHT_ABOVE = 300;

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
  var layered = !!(data.options.layout && data.options.layout.hierarchical &&
    data.options.layout.hierarchical.enabled);
  data.edges.forEach(function (e) {
    e.title = plainTitle(e.label || relationName(e.gg_relation) + (e.gg_count > 1 ? " (\u00d7" + e.gg_count + ")" : ""));
    // In a free (physics) layout an edge's label would sit wherever the edge happens to run,
    // over other labels: there it is the edge's tooltip and details, not drawn text.
    if (!layered && e.label) { e.gg_label = e.label; delete e.label; }
  });
  // Above a few hundred edges, edges are drawn straight: curved ("dynamic") edges are simulated
  // as extra physics nodes and cost about half of a large picture's first draw.
  if (data.edges.length > STRAIGHT_ABOVE && data.options.edges) data.options.edges.smooth = false;
  // a picture that opens folded is drawn without physics first: physics then lays out the groups
  if (data.meta.fold_client && data.nodes.length > data.meta.fold_client)
    data.options.physics = Object.assign({}, data.options.physics, { enabled: false });
  // vis-network's first placement (Kamada-Kawai) gives up above a hundred nodes after a second
  // or two; physics lays the picture out anyway
  if (!data.options.layout || !data.options.layout.hierarchical)
    data.options.layout = Object.assign({}, data.options.layout, { improvedLayout: false });
  var nodes = new vis.DataSet(data.nodes);  // every node and edge (details, search)
  var edges = new vis.DataSet(data.edges);
  // what the picture shows: everything, or (folded) groups and the nodes of opened groups
  var foldHere = !!(data.meta.fold_client && data.nodes.length > data.meta.fold_client);
  var shownNodes = foldHere ? new vis.DataSet() : nodes;
  var shownEdges = foldHere ? new vis.DataSet() : edges;
  var groups = {}, parentOf = {}, visible = {};
  if (foldHere) fold();
  var hidden = { type: new Set(), org: new Set(), relation: new Set() };
  var nodeView = new vis.DataView(shownNodes, {
    filter: function (n) { return !hidden.type.has(n.gg_type) && !hidden.org.has(n.gg_org || ""); }
  });
  var edgeView = new vis.DataView(shownEdges, {
    filter: function (e) { return !hidden.relation.has(e.gg_relation || ""); }
  });
  var network = new vis.Network(document.getElementById("network"),
    { nodes: nodeView, edges: edgeView }, data.options);
  window.network = network;
  window.govgraph = { data: data, nodes: nodes, edges: edges, focus: focusNode,
    showEdge: function (id) { showEdge(id); }, relayout: function () { relayout(true); },
    boxes: function () { return nodeBoxes(); }, reveal: reveal, open: openGroup, openAll: openAll,
    isGroup: isGroup, groups: function () { return Object.keys(visible).filter(isGroup); } };
  var hierarchical = !!(data.options.layout && data.options.layout.hierarchical &&
    data.options.layout.hierarchical.enabled);

  // Label-aware spacing: once laid out, nodes whose boxes (shape and label) overlap are pushed
  // apart (across the levels only, in a hierarchical layout), until no two boxes overlap.
  function nodeBoxes() {
    return network.body.nodeIndices.map(function (id) {
      var n = network.body.nodes[id];
      var b = n.shape.boundingBox, l = n.labelModule.size;
      var hasLabel = l && l.width > 0;
      // a symbol's square (its radius either way of the centre) counts as well as its box
      var r = /^(box|ellipse|database|circle|text)$/.test(n.options.shape) ? 0 : (n.shape.radius || n.options.size || 10);
      return {
        id: id, node: n,
        left: Math.min(b.left, hasLabel ? l.left : b.left, n.x - r) - n.x - 8,
        right: Math.max(b.right, hasLabel ? l.left + l.width : b.right, n.x + r) - n.x + 8,
        top: Math.min(b.top, hasLabel ? l.top : b.top, n.y - r) - n.y - 6,
        bottom: Math.max(b.bottom, hasLabel ? l.top + l.height : b.bottom, n.y + r) - n.y + 6
      };
    });
  }
  function measureAll() {
    // vis-network measures a node's box and label when it draws it, and draws only what is in
    // view and labels large enough to read: show everything once with every label drawn, draw,
    // and go back to where the reader was (and to the usual label threshold)
    var at = network.getViewPosition(), scale = network.getScale();
    var items = network.body.nodeIndices.map(function (id) { return network.body.nodes[id]; })
      .concat(network.body.edgeIndices.map(function (id) { return network.body.edges[id]; }));
    var thresholds = items.map(function (item) {
      var label = item.options.scaling && item.options.scaling.label;
      if (!label) return null;
      var was = label.drawThreshold;
      label.drawThreshold = -Infinity;
      return was;
    });
    network.fit({ animation: false });
    network.redraw();
    return function back() {
      items.forEach(function (item, i) { if (thresholds[i] !== null) item.options.scaling.label.drawThreshold = thresholds[i]; });
      network.moveTo({ position: at, scale: scale, animation: false });
    };
  }
  // Which way nodes may move to make room: a layered picture keeps its levels (left to right:
  // nodes move up and down; top down, as the org chart: sideways); a free one either way.
  var hier = hierarchical ? data.options.layout.hierarchical : null;
  var moveAxis = data.meta.move_axis || (!hier ? null : (hier.direction === "UD" || hier.direction === "DU") ? "x" : "y");
  function overlap(a, b) {
    return [Math.min(a.r, b.r) - Math.max(a.l, b.l), Math.min(a.b, b.b) - Math.max(a.t, b.t)];
  }
  // Nodes that share one position (the members of a group just opened in place) are set out
  // in a grid whose cells are as large as their largest box, centred where the group was.
  function spreadStacks(boxes) {
    var stacks = {};
    boxes.forEach(function (b) {
      var k = Math.round(b.node.x) + "," + Math.round(b.node.y);
      (stacks[k] = stacks[k] || []).push(b);
    });
    return Object.keys(stacks).map(function (k) {
      var members = stacks[k];
      if (members.length > 1) {
        var cx = members[0].node.x, cy = members[0].node.y, w = 0, h = 0;
        members.forEach(function (b) { w = Math.max(w, b.right - b.left); h = Math.max(h, b.bottom - b.top); });
        // a block about twice as wide as tall, like the screen
        var cols = moveAxis === "y" ? 1 : moveAxis === "x" ? members.length
          : Math.max(1, Math.min(members.length, Math.round(Math.sqrt(members.length * h * 2 / w))));
        var rows = Math.ceil(members.length / cols);
        members.sort(function (a, b) { return String(a.node.options.label).localeCompare(String(b.node.options.label)); });
        members.forEach(function (b, i) {
          var c = i % cols, r = Math.floor(i / cols);
          b.node.x = cx + (c - (cols - 1) / 2) * w - (b.left + b.right) / 2;
          b.node.y = cy + (r - (rows - 1) / 2) * h - (b.top + b.bottom) / 2;
        });
      }
      return members;
    });
  }
  function rect(members) {
    var r = { l: Infinity, r: -Infinity, t: Infinity, b: -Infinity };
    members.forEach(function (m) {
      r.l = Math.min(r.l, m.node.x + m.left); r.r = Math.max(r.r, m.node.x + m.right);
      r.t = Math.min(r.t, m.node.y + m.top); r.b = Math.max(r.b, m.node.y + m.bottom);
    });
    return r;
  }
  // Push overlapping blocks (each a rigid set of nodes) apart, half each way, along the axis of
  // the smaller overlap (or the one the layout allows), until none overlap.
  function pushApart(blocks, rounds, rigid) {
    var box = document.getElementById("network").getBoundingClientRect();
    var aspect = box.height > 0 ? Math.max(0.5, Math.min(2, box.width / box.height)) / 1.5 : 1;
    for (var round = 0; round < rounds; round++) {
      var moved = false;
      var rects = blocks.map(function (members) { return { m: members, r: rect(members) }; });
      rects.sort(function (a, b) { return a.r.l - b.r.l; });
      for (var i = 0; i < rects.length; i++) {
        for (var j = i + 1; j < rects.length; j++) {
          var a = rects[i], b = rects[j];
          if (b.r.l >= a.r.r) break;
          var o = overlap(a.r, b.r);
          if (o[0] <= 0 || o[1] <= 0) continue;
          moved = true;
          // blocks move the way their centres lie apart (the screen is wider than tall), so
          // the picture keeps its shape; single nodes the shorter way
          var axis = moveAxis || (rigid
            ? (Math.abs(b.r.l + b.r.r - a.r.l - a.r.r) >= aspect * Math.abs(b.r.t + b.r.b - a.r.t - a.r.b) ? "x" : "y")
            : (o[1] <= o[0] ? "y" : "x"));
          var d = axis === "y" ? o[1] : o[0];
          var ca = axis === "y" ? a.r.t + a.r.b : a.r.l + a.r.r, cb = axis === "y" ? b.r.t + b.r.b : b.r.l + b.r.r;
          var sign = ca <= cb ? 1 : -1, step = (d / 2 + 1) * sign;
          [[a, -step], [b, step]].forEach(function (pair) {
            pair[0].m.forEach(function (m) { m.node[axis] += pair[1]; });
            if (axis === "y") { pair[0].r.t += pair[1]; pair[0].r.b += pair[1]; }
            else { pair[0].r.l += pair[1]; pair[0].r.r += pair[1]; }
          });
        }
      }
      if (!moved) return true;
    }
    return false;
  }
  // Several groups opened at once: their blocks (and the single nodes) are set out in rows,
  // in the order they lay before, the rows as wide as makes the picture about screen-shaped.
  function shelve(blocks) {
    var box = document.getElementById("network").getBoundingClientRect();
    var aspect = box.height > 0 ? Math.max(0.5, Math.min(2.5, box.width / box.height)) : 1.5;
    var items = blocks.map(function (m) { var r = rect(m); return { m: m, r: r, w: r.r - r.l + 20, h: r.b - r.t + 20 }; });
    var area = items.reduce(function (sum, it) { return sum + it.w * it.h; }, 0);
    var width = Math.max(Math.sqrt(area * aspect) * 1.1, Math.max.apply(null, items.map(function (it) { return it.w; })));
    items.sort(function (a, b) { return (a.r.t + a.r.b) - (b.r.t + b.r.b) || (a.r.l - b.r.l); });
    var x = 0, y = 0, rowH = 0, row = [];
    function place(it, px, py) {
      var dx = px - it.r.l, dy = py - it.r.t;
      it.m.forEach(function (m) { m.node.x += dx; m.node.y += dy; });
    }
    items.forEach(function (it) {
      if (x > 0 && x + it.w > width) { y += rowH; x = 0; rowH = 0; }
      place(it, x, y);
      x += it.w; rowH = Math.max(rowH, it.h);
    });
  }
  function separate() {
    var back = measureAll();
    var boxes = nodeBoxes();
    var blocks = spreadStacks(boxes);
    var opened = blocks.filter(function (m) { return m.length > 1; }).length;
    if (opened > 1 && !moveAxis) shelve(blocks);
    else if (opened) pushApart(blocks, 300, true);
    var singles = boxes.map(function (b) { return [b]; });
    // a dense picture that does not come apart is spread out from its centre, and tried again
    for (var tries = 0; tries < 8 && !pushApart(singles, 400); tries++) {
      var cx = 0, cy = 0;
      boxes.forEach(function (b) { cx += b.node.x; cy += b.node.y; });
      cx /= boxes.length; cy /= boxes.length;
      boxes.forEach(function (b) {
        if (moveAxis !== "y") b.node.x = cx + (b.node.x - cx) * 1.25;
        if (moveAxis !== "x") b.node.y = cy + (b.node.y - cy) * 1.25;
      });
    }
    network.redraw();
    back();
  }
  // An edge label that would cover a node, a node's label or another edge label is not drawn:
  // it stays the edge's tooltip and shows in its details.
  function clearEdgeLabels() {
    var back = measureAll();
    var taken = nodeBoxes().map(function (b) {
      return { l: b.node.x + b.left + 6, r: b.node.x + b.right - 6, t: b.node.y + b.top + 4, b: b.node.y + b.bottom - 4 };
    });
    var hide = [];
    network.body.edgeIndices.forEach(function (id) {
      var e = network.body.edges[id];
      if (!e.connected || !e.options.label || !e.labelModule.size.width) return;
      var s = e.labelModule.size;
      var box = { l: s.left, r: s.left + s.width, t: s.top, b: s.top + s.height };
      var hit = taken.some(function (o) {
        return Math.min(o.r, box.r) - Math.max(o.l, box.l) > 0 && Math.min(o.b, box.b) - Math.max(o.t, box.t) > 0;
      });
      if (hit) hide.push(id); else taken.push(box);
    });
    back();
    hide.forEach(function (id) {
      var e = edges.get(id);
      if (!e) return;
      var copy = Object.assign({}, e, { gg_label: e.label });
      delete copy.label;  // vis-network keeps a label that an update blanks: re-add the edge
      edges.remove(id);
      edges.add(copy);
    });
    if (hide.length) network.redraw();
    return hide.length;
  }
  // Pictures of several separate trees (the org chart) set them out in rows as wide as makes
  // the picture about as wide as the screen, so a phone gets fewer trees a row.
  function packComponents() {
    var back = measureAll();
    var boxes = nodeBoxes(), parent = {};
    function find(x) { while (parent[x] !== x) x = parent[x] = parent[parent[x]]; return x; }
    boxes.forEach(function (b) { parent[b.id] = b.id; });
    network.body.edgeIndices.forEach(function (id) {
      var e = network.body.edges[id];
      if (parent[e.fromId] !== undefined && parent[e.toId] !== undefined) parent[find(e.fromId)] = find(e.toId);
    });
    var parts = {};
    boxes.forEach(function (b) { var k = find(b.id); (parts[k] = parts[k] || []).push(b); });
    shelve(Object.keys(parts).map(function (k) { return parts[k]; }));
    network.redraw();
    back();
  }
  function relayout(fit) {
    network.setOptions({ physics: false });
    // re-adding an edge lays a hierarchical picture out again: space it again until stable
    for (var round = 0; round < 5; round++) {
      separate();
      if (!hierarchical || !clearEdgeLabels()) break;
    }
    if (fit && data.meta.pack_components) packComponents();
    if (fit) network.fit({ animation: false });
    document.body.dataset.laidOut = "1";
  }

  // A large picture opens folded so that at most `fold_client` nodes show: by organisation, a
  // group of more than that inside by type, then by domain, then in alphabetical runs; a click
  // on a group opens it in place (one level at a time). The page holds every node and edge;
  // the picture only what shows, the edges between the same two shown nodes merged and counted.
  function fold() {
    var limit = data.meta.fold_client;
    var keys = [
      function (n) { return n.gg_org || ""; },
      function (n) { return n.gg_type || ""; },
      function (n) { return n.gg_domain || ""; }
    ];
    function groupName(depth, key) {
      if (depth === 0) return key || words.no_org;
      if (depth === 1) return typeName(key);
      return key || words.no_domain;
    }
    function group(id, name, entries) {
      var leaves = [].concat.apply([], entries.map(function (e) { return e.leaves; }));
      groups[id] = { id: id, name: name, children: entries.map(function (e) { return e.id; }), leaves: leaves };
      entries.forEach(function (e) { parentOf[e.id] = id; });
      return { id: id, leaves: leaves };
    }
    // at most `limit` entries: the largest stay, the rest go into "more" groups
    function limited(entries, prefix) {
      if (entries.length <= limit) return entries;
      entries.sort(function (a, b) { return b.leaves.length - a.leaves.length; });
      var kept = entries.slice(0, limit - 1);
      kept.push(group("cluster:" + prefix + "+", words.more_groups, limited(entries.slice(limit - 1), prefix + "+")));
      return kept;
    }
    function leaf(n) { return { id: n.id, leaves: [n] }; }
    function split(members, depth, prefix) {
      if (members.length <= limit && depth > 0) return members.map(leaf);
      if (depth >= keys.length) {
        members.sort(function (a, b) { return String(a.label).localeCompare(String(b.label)); });
        var runs = [];
        for (var i = 0; i < members.length; i += limit) {
          var run = members.slice(i, i + limit);
          var name = String(run[0].label).slice(0, 14) + " \u2013 " + String(run[run.length - 1].label).slice(0, 14);
          runs.push(group("cluster:" + prefix + "#" + i, name, run.map(leaf)));
        }
        return limited(runs, prefix);
      }
      var by = {};
      members.forEach(function (n) { var k = keys[depth](n); (by[k] = by[k] || []).push(n); });
      var names = Object.keys(by).sort();
      if (names.length === 1 && depth > 0) return split(members, depth + 1, prefix);
      return limited(names.map(function (key) {
        var part = by[key];
        if (part.length === 1) return leaf(part[0]);
        var id = depth === 0 ? "cluster:" + (key || "-") : "cluster:" + prefix + "/" + key;
        return group(id, groupName(depth, key), split(part, depth + 1, prefix + "/" + key));
      }), prefix || "top");
    }
    split(nodes.get(), 0, "").forEach(function (e) { show(e.id); });
    syncEdges();
  }
  function isGroup(id) { return Object.prototype.hasOwnProperty.call(groups, id); }
  function groupNode(g) {
    return {
      id: g.id, label: g.name + " (+" + g.leaves.length + ")", shape: "box", gg_type: "cluster",
      gg_org: g.leaves[0].gg_org || "", color: { background: "#e4e4e4", border: "#666666" }, borderWidth: 2,
      font: { size: 16 + Math.min(g.leaves.length, 40) / 4 },
      title: plainTitle(g.name + ": " + g.leaves.length + " " + words.members_count)
    };
  }
  function show(id, at) {
    var n = isGroup(id) ? groupNode(groups[id]) : Object.assign({}, nodes.get(id));
    if (at) { n.x = at.x; n.y = at.y; }
    visible[id] = true;
    shownNodes.add(n);
  }
  // the picture's edges: each edge between the shown nodes that stand for its ends (itself or
  // the group it is folded into); edges between the same two merged into one that counts them
  function syncEdges() {
    var memo = {};
    function rep(id) {
      if (memo[id] !== undefined) return memo[id];
      var at = id;
      while (at !== undefined && !visible[at]) at = parentOf[at];
      memo[id] = at;
      return at;
    }
    var merged = {};
    edges.forEach(function (e) {
      var a = rep(e.from), b = rep(e.to);
      if (a === undefined || b === undefined || a === b) return;
      var key = a + "\u0000" + b;
      (merged[key] = merged[key] || { from: a, to: b, list: [] }).list.push(e);
    });
    var out = Object.keys(merged).map(function (key) {
      var m = merged[key], n = m.list.length;
      if (n === 1 && !isGroup(m.from) && !isGroup(m.to)) return m.list[0];
      var rels = Array.from(new Set(m.list.map(function (e) { return e.gg_relation; })));
      // the most critical dependency it stands for gives the merged edge its colour
      var rank = { critical: 4, high: 3, medium: 2, low: 1 }, worst = null;
      m.list.forEach(function (e) {
        if (e.gg_criticality && (!worst || rank[e.gg_criticality] > rank[worst.gg_criticality])) worst = e;
      });
      return {
        id: "merged:" + key, from: m.from, to: m.to, arrows: "to", width: Math.min(1 + n, 8),
        color: worst && worst.color ? worst.color : { color: "#8a8a8a" },
        gg_criticality: worst ? worst.gg_criticality : undefined, gg_count: n, gg_relations: rels,
        gg_relation: rels.length === 1 ? rels[0] : "several",
        gg_citations: [].concat.apply([], m.list.map(function (e) { return e.gg_citations || []; })).slice(0, 20),
        title: plainTitle(listWords(rels.map(relationName)) + " (\u00d7" + n + ")")
      };
    });
    shownEdges.clear();
    shownEdges.add(out);
  }
  function reveal(id) {
    var chain = [];
    for (var at = parentOf[id]; at !== undefined; at = parentOf[at]) chain.unshift(at);
    chain.forEach(function (g) { if (visible[g]) openGroup(g); });
  }
  if (foldHere) {
    // the folded picture (a few dozen groups) is laid out by physics, then frozen and spaced
    network.setOptions({ physics: { enabled: true, solver: "forceAtlas2Based", stabilization: { iterations: 300 } } });
    network.once("stabilizationIterationsDone", function () { relayout(true); });
    network.stabilize(300);
  } else if (!hierarchical && data.options.physics && data.options.physics.enabled !== false) {
    // the constructor's stabilization: once its iterations are done the picture is frozen
    network.once("stabilizationIterationsDone", function () { relayout(true); });
  } else {
    network.once("afterDrawing", function () { relayout(true); });
  }
  window.setTimeout(function () { if (!document.body.dataset.laidOut) relayout(true); }, 4000);

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
    var e = shownEdges.get(id) || edges.get(id);
    if (!e) return;
    var body = document.getElementById("gg-details-body");
    body.replaceChildren();
    var from = shownNodes.get(e.from) || nodes.get(e.from), to = shownNodes.get(e.to) || nodes.get(e.to);
    body.appendChild(el("h3", (from ? from.label : e.from) + " \u2192 " + (to ? to.label : e.to)));
    fact(body, words.relation, e.label || e.gg_label || listWords((e.gg_relations || [e.gg_relation]).map(relationName)));
    if (e.gg_count > 1) fact(body, words.edges_folded, e.gg_count);
    if (e.gg_criticality) fact(body, words.criticality, (words.criticality_names || {})[e.gg_criticality] || e.gg_criticality);
    body.appendChild(citations(e.gg_citations));
  }
  document.querySelectorAll(".gg-toolbar button").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.fit) { network.fit({ animation: { duration: 300 } }); return; }
      network.moveTo({ scale: network.getScale() * Number(button.dataset.zoom), animation: { duration: 200 } });
    });
  });
  function focusNode(id) {
    if (!nodes.get(id)) return false;
    reveal(id);
    if (!nodeView.get(id)) return false;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 300 } });
    showNode(id);
    return true;
  }
  function showCluster(id) {
    var g = groups[id];
    var info = { org: g.name, members: g.leaves.map(function (n) { return n.label; }).sort() };
    var body = document.getElementById("gg-details-body");
    body.replaceChildren();
    body.appendChild(el("h3", info.org, "gg-detail-label"));
    fact(body, words.members, info.members.length);
    var open = el("button", words.open_group);
    open.type = "button";
    open.addEventListener("click", function () { openGroup(id); });
    body.appendChild(open);
    var list = el("ul");
    info.members.forEach(function (m) { list.appendChild(el("li", m)); });
    body.appendChild(list);
  }
  function openAll() {
    // every group at once (nested ones too), then one layout: each group's nodes in a block
    var open = Object.keys(visible).filter(isGroup);
    while (open.length) {
      open.forEach(function (id) { openGroup(id, true); });
      open = Object.keys(visible).filter(isGroup);
    }
    syncEdges();
    relayout(true);
  }
  function openGroup(id, quietly) {
    if (!isGroup(id) || !visible[id]) return;
    network.unselectAll();
    var at = network.getPosition(id);
    delete visible[id];
    shownNodes.remove(id);
    groups[id].children.forEach(function (child) { show(child, at); });
    if (quietly) return;
    syncEdges();
    relayout(false);
    var body = document.getElementById("gg-details-body");
    body.replaceChildren(el("p", words.click_hint));
  }
  network.on("selectNode", function (params) {
    // keyboard and touch selection show the same details as a click
    if (params.nodes.length === 1 && isGroup(params.nodes[0])) showCluster(params.nodes[0]);
  });
  network.on("click", function (params) {
    if (params.nodes.length && isGroup(params.nodes[0])) openGroup(params.nodes[0]);
    else if (params.nodes.length) showNode(params.nodes[0]);
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
  var legendItems = data.meta.legend.slice();
  if (foldHere && !legendItems.some(function (i) { return i.type === "cluster"; }))
    legendItems.unshift({ type: "cluster", key: "cluster", colour: "#e4e4e4", shape: "box" });
  legendItems.forEach(function (item) {
    var li = el("li");
    var swatch = el("span", null, "gg-swatch " + item.shape);
    swatch.setAttribute("aria-hidden", "true");
    if (item.shape === "line" || item.shape === "dashed") swatch.style.borderTopColor = item.colour;
    else if (item.shape === "ring") swatch.style.borderColor = item.colour;
    else if (item.shape === "ramp") swatch.style.background = "linear-gradient(90deg, " + item.colour + ")";
    else swatch.style.background = item.colour;
    li.appendChild(swatch);
    var text = item.key === undefined ? typeName(item.type)
      : item.type === "criticality" ? words.criticality + ": " + ((words.criticality_names || {})[item.key] || item.key)
      : item.type === "role" ? words.role + ": " + ((words.role_names || {})[item.key] || item.key)
      : item.type === "relation" ? relationName(item.key)
      : item.type === "cluster" ? typeName("cluster") + " (+N)"
      : (words[item.key] || item.key);
    li.appendChild(document.createTextNode(text));
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
  filter("gg-filter-type", "type", data.meta.legend.filter(function (i) { return i.key === undefined; })
    .map(function (i) { return i.type; }), typeName);
  filter("gg-filter-org", "org", data.meta.organisations,
    function (o) { return o || words.none; });
  filter("gg-filter-relation", "relation", data.meta.relations, relationName);

  // "Copy answer" is copy.js, shared with the text pages.

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

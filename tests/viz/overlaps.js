// Boxes of every drawn label and node shape, read from vis-network after drawing, and the
// pairs that overlap: label/label, label/another node's shape, edge label/node or label.
() => {
  // vis-network measures only what it draws, and draws only what is in view and labels large
  // enough to read: fit, draw every label whatever its size, then measure
  const at = network.getViewPosition(), scale = network.getScale();
  const items = network.body.nodeIndices.map((id) => network.body.nodes[id])
    .concat(network.body.edgeIndices.map((id) => network.body.edges[id]));
  const thresholds = items.map((item) => {
    const label = item.options.scaling && item.options.scaling.label;
    if (!label) return null;
    const was = label.drawThreshold;
    label.drawThreshold = -Infinity;
    return was;
  });
  network.fit({ animation: false });
  network.redraw();
  const boxes = [];
  const within = (n) => n.labelModule && n.labelModule.size && n.labelModule.size.width > 0;
  for (const id of network.body.nodeIndices) {
    const n = network.body.nodes[id];
    const b = n.shape.boundingBox;
    // the shape alone: for shapes drawn with their label inside, the shape is the label's box
    const inside = ["box", "ellipse", "database", "circle", "text"].includes(n.options.shape);
    if (!inside) {
      const r = n.shape.radius || n.options.size || 10;
      boxes.push({ kind: "shape", owner: "n:" + id, l: n.x - r, r: n.x + r, t: n.y - r, b: n.y + r });
    }
    if (within(n)) {
      const s = n.labelModule.size;
      boxes.push({ kind: "label", owner: "n:" + id, l: s.left, r: s.left + s.width, t: s.top, b: s.top + s.height });
    } else if (inside) {
      boxes.push({ kind: "label", owner: "n:" + id, l: b.left, r: b.right, t: b.top, b: b.bottom });
    }
  }
  for (const id of network.body.edgeIndices) {
    const e = network.body.edges[id];
    if (!e.connected || !within(e) || !e.options.label) continue;
    const s = e.labelModule.size;
    boxes.push({ kind: "edge-label", owner: "e:" + id, l: s.left, r: s.left + s.width, t: s.top, b: s.top + s.height });
  }
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], c = boxes[j];
      if (a.owner === c.owner) continue;
      if (a.kind === "shape" && c.kind === "shape") continue;  // shapes may touch (edges meet)
      const ox = Math.min(a.r, c.r) - Math.max(a.l, c.l);
      const oy = Math.min(a.b, c.b) - Math.max(a.t, c.t);
      if (ox > 1 && oy > 1) pairs.push([a.kind + " " + a.owner, c.kind + " " + c.owner, Math.round(ox), Math.round(oy)]);
    }
  }
  items.forEach((item, i) => { if (thresholds[i] !== null) item.options.scaling.label.drawThreshold = thresholds[i]; });
  network.moveTo({ position: at, scale: scale, animation: false });
  return { boxes: boxes.length, pairs: pairs };
}

// Script for the report page, part 2: the point cloud of every candidate. Drawing 32,768 points as
// chart.js elements costs hundreds of ms per redraw, and chart.js redraws on every hover change, so
// the cloud is drawn by this plugin instead: rendered once into an offscreen bitmap (redrawn only when
// the chart area, the axes or their types change) and blitted on every frame. Hover hit-testing uses a
// pixel grid built from the same pass. Chart.js keeps the small datasets (fronts, reference points)
// with its own hover. A dataset marked $cloud carries the legend entry, the visibility and the axis
// extent.
export const clientCloud = String.raw`
var clouds = {};
var CELL = 8;
function cloudIndexOf(chart) {
  var sets = chart.data.datasets;
  for (var i = 0; i < sets.length; i++) if (sets[i].$cloud) return i;
  return -1;
}
function renderCloud(chart, c) {
  var xs = chart.scales.x, ys = chart.scales.y, area = chart.chartArea;
  var key = [
    chart.canvas.width, chart.canvas.height, area.left, area.top, area.right, area.bottom,
    xs.type, xs.min, xs.max, ys.type, ys.min, ys.max
  ].join(',');
  if (c.key === key) return;
  c.key = key;
  if (!c.canvas) c.canvas = document.createElement('canvas');
  c.canvas.width = chart.canvas.width;
  c.canvas.height = chart.canvas.height;
  var ctx = c.canvas.getContext('2d');
  var ratio = chart.currentDevicePixelRatio || 1;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = c.colour;
  var n = c.x.length, r = c.radius, d = 2 * r;
  c.px = new Float32Array(n);
  c.py = new Float32Array(n);
  for (var i = 0; i < n; i++) {
    var px = xs.getPixelForValue(c.x[i]), py = ys.getPixelForValue(c.y[i]);
    c.px[i] = px;
    c.py[i] = py;
    var inside = px >= area.left - r && px <= area.right + r && py >= area.top - r && py <= area.bottom + r;
    if (inside) ctx.fillRect(px - r, py - r, d, d);
  }
  c.grid = null;
}
function buildGrid(chart, c) {
  var w = Math.ceil(chart.width / CELL) + 1, h = Math.ceil(chart.height / CELL) + 1, n = c.px.length;
  var cellOf = new Int32Array(n), counts = new Int32Array(w * h + 1);
  for (var i = 0; i < n; i++) {
    var cx = Math.floor(c.px[i] / CELL), cy = Math.floor(c.py[i] / CELL);
    cellOf[i] = cx >= 0 && cy >= 0 && cx < w && cy < h ? cy * w + cx : -1;
    if (cellOf[i] >= 0) counts[cellOf[i] + 1]++;
  }
  for (var k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
  var order = new Int32Array(counts[counts.length - 1]), fill = counts.slice();
  for (var j = 0; j < n; j++) if (cellOf[j] >= 0) order[fill[cellOf[j]]++] = j;
  c.grid = { w: w, h: h, start: counts, order: order };
}
function nearestCloudPoint(chart, c, x, y, radius) {
  if (!c.px) return -1;
  if (!c.grid) buildGrid(chart, c);
  var g = c.grid, best = -1, bestD = radius * radius;
  var cx = Math.floor(x / CELL), cy = Math.floor(y / CELL), span = Math.ceil(radius / CELL);
  for (var gy = cy - span; gy <= cy + span; gy++) {
    if (gy < 0 || gy >= g.h) continue;
    for (var gx = cx - span; gx <= cx + span; gx++) {
      if (gx < 0 || gx >= g.w) continue;
      var cell = gy * g.w + gx;
      for (var k = g.start[cell]; k < g.start[cell + 1]; k++) {
        var i = g.order[k], dx = c.px[i] - x, dy = c.py[i] - y, dd = dx * dx + dy * dy;
        if (dd <= bestD) { bestD = dd; best = i; }
      }
    }
  }
  return best;
}
var cloudPlugin = {
  id: 'candidateCloud',
  beforeDatasetsDraw: function (chart) {
    var c = clouds[chart.canvas.id];
    var idx = cloudIndexOf(chart);
    if (!c || idx < 0 || !chart.isDatasetVisible(idx)) return;
    renderCloud(chart, c);
    var ctx = chart.ctx, area = chart.chartArea;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(c.canvas, 0, 0);
    ctx.restore();
    if (c.hover >= 0) {
      ctx.save();
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(c.px[c.hover], c.py[c.hover], 4, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.restore();
    }
  },
  afterEvent: function (chart, args) {
    var c = clouds[chart.canvas.id], e = args.event;
    var idx = cloudIndexOf(chart);
    if (!c || idx < 0) return;
    var hit = -1;
    var own = chart.tooltip && chart.tooltip.getActiveElements().length > 0;
    var area = chart.chartArea;
    var over = e.x >= area.left && e.x <= area.right && e.y >= area.top && e.y <= area.bottom;
    if (e.type === 'mousemove' && !own && chart.isDatasetVisible(idx) && over) {
      hit = nearestCloudPoint(chart, c, e.x, e.y, 5);
    }
    if (hit >= 0) showTooltip(chart, [describeCandidate(c.n[hit])], c.px[hit], c.py[hit]);
    else if (!own && c.hover >= 0) hideTooltip();
    if (hit !== c.hover) {
      c.hover = hit;
      args.changed = true;
    }
  }
};
function makeCloud(id, label, list, xOf, yOf, colour) {
  var x = [], y = [], n = [];
  list.forEach(function (k) {
    var a = xOf(k), b = yOf(k);
    if (a !== null && a !== undefined && b !== null && b !== undefined) { x.push(a); y.push(b); n.push(k); }
  });
  var c = {
    x: Float64Array.from(x), y: Float64Array.from(y), n: Int32Array.from(n), colour: colour, radius: 1.3, hover: -1
  };
  clouds[id] = c;
  // The dataset holds only the cloud's bounding corners (invisible, not hoverable), so chart.js
  // sizes the axes to the cloud.
  var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (var i = 0; i < x.length; i++) {
    if (x[i] < minX) minX = x[i];
    if (x[i] > maxX) maxX = x[i];
    if (y[i] < minY) minY = y[i];
    if (y[i] > maxY) maxY = y[i];
  }
  var corners = x.length > 0 ? [{ x: minX, y: minY }, { x: maxX, y: maxY }] : [];
  return {
    label: label + ' (' + n.length + ')', data: corners, $cloud: true, backgroundColor: colour, borderColor: colour,
    radius: 0, hoverRadius: 0, hitRadius: 0
  };
}
`;

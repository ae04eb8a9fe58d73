// Script for the report page, part 2: the charts. Large scatters use parsing:false with points
// pre-sorted by x (chart.js then binary-searches on hover), tiny radii and no animation; the fronts
// are stepped lines ('before' = horizontal then vertical, the staircase of a minimisation front).
export const clientCharts = String.raw`
var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
var pointLabels = {
  id: 'pointLabels',
  afterDatasetsDraw: function (chart) {
    var ctx = chart.ctx;
    chart.data.datasets.forEach(function (ds, i) {
      if (!ds.pointLabels || !chart.isDatasetVisible(i)) return;
      ctx.save();
      ctx.font = 'bold 12px sans-serif';
      ctx.fillStyle = '#111';
      chart.getDatasetMeta(i).data.forEach(function (el, j) {
        var text = ds.pointLabels[j];
        if (text) ctx.fillText(text, el.x + 7, el.y - 7);
      });
      ctx.restore();
    });
  }
};
function byX(a, b) { return a.x - b.x || a.y - b.y; }
function scatter(id, datasets, xTitle, yTitle, logAxes) {
  var canvas = document.getElementById(id);
  if (!canvas) return null;
  var start = performance.now();
  datasets.forEach(function (ds) { ds.data.sort(byX); });
  var chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets: datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: true },
      layout: { padding: { top: 12, right: 24 } },
      elements: { point: { radius: 1.4, hoverRadius: 4, borderWidth: 0, hitRadius: 3 } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { enabled: false, external: externalTooltip }
      },
      scales: {
        x: { type: 'linear', grace: '3%', title: { display: true, text: xTitle } },
        y: { type: 'linear', grace: '3%', title: { display: true, text: yTitle } }
      }
    },
    plugins: [cloudPlugin, pointLabels]
  });
  chart.$logAxes = logAxes;
  charts[id] = chart;
  timings.charts[id] = performance.now() - start;
  return chart;
}
function candidatePoints(list, xOf, yOf) {
  var out = [];
  list.forEach(function (n) {
    var x = xOf(n), y = yOf(n);
    if (x !== null && y !== null && x !== undefined && y !== undefined) out.push({ x: x, y: y, n: n });
  });
  return out;
}
function allNumbers() { var a = new Array(data.size); for (var i = 0; i < data.size; i++) a[i] = i; return a; }
function refDataset(xOf, yOf) {
  var nums = Object.keys(refNames).map(Number);
  var pts = candidatePoints(nums, xOf, yOf);
  return { label: 'reference points', data: pts, pointStyle: 'rectRot', radius: 6, hoverRadius: 8,
    backgroundColor: '#000', borderColor: '#fff', borderWidth: 1 };
}
function withLabels(ds) {
  ds.data.sort(byX);
  ds.pointLabels = ds.data.map(function (p) { return refNames[p.n].join(', '); });
  return ds;
}
function frontDataset(label, list, xOf, yOf, colour) {
  return { label: label, data: candidatePoints(list, xOf, yOf), showLine: true, stepped: 'before', borderColor: colour,
    backgroundColor: colour, borderWidth: 2, radius: 3, hoverRadius: 6 };
}
var accessors = {};
// CSS pixel position of candidate n in a chart, relative to its canvas (for tests and the console).
window.nanosdReport.pixelOf = function (id, n) {
  var chart = charts[id], a = accessors[id];
  if (!chart || !a) return null;
  var x = a.x(n), y = a.y(n);
  if (x === null || y === null || x === undefined || y === undefined) return null;
  return { x: chart.scales.x.getPixelForValue(x), y: chart.scales.y.getPixelForValue(y) };
};

var d0 = data.devices[0];
var lat0 = function (n) { return d0.latency[n]; };
var paramsM = function (n) { return data.params[n] / 1e6; };
var all = allNumbers();
var sameFront = data.objectives.length === 2 && data.objectives.indexOf('latency') >= 0 &&
  data.objectives.indexOf('params') >= 0;
var mainSets = [
  withLabels(refDataset(paramsM, lat0)),
  frontDataset('latency–params front', data.frontLatencyParams, paramsM, lat0, '#d62728')
];
if (!sameFront) mainSets.push({
  label: 'front (' + data.objectives.join(', ') + ')', data: candidatePoints(data.front, paramsM, lat0),
  backgroundColor: '#ff7f0e', radius: 2.5, hoverRadius: 5
});
mainSets.push(makeCloud('chart-latency-params', 'all candidates', all, paramsM, lat0, 'rgba(70, 100, 170, 0.35)'));
accessors['chart-latency-params'] = { x: paramsM, y: lat0 };
scatter('chart-latency-params', mainSets, 'parameters (M)', 'predicted latency on ' + d0.label + ' (ms)', ['x', 'y']);

if (data.quality) {
  var q = function (n) { return data.quality.values[n]; };
  accessors['chart-quality-latency'] = { x: lat0, y: q };
  var qPositive = data.quality.values.every(function (v) { return v === null || v > 0; });
  scatter('chart-quality-latency', [
    withLabels(refDataset(lat0, q)),
    frontDataset('latency–' + data.quality.metric + ' front', data.frontLatencyQuality, lat0, q, '#d62728'),
 makeCloud('chart-quality-latency', 'scored candidates', all, lat0, q, 'rgba(70, 100, 170, 0.35)')
  ], 'predicted latency on ' + d0.label + ' (ms)',
  data.quality.metric + ' (' + data.quality.better + ' is better)', qPositive ? ['x', 'y'] : ['x']);
}

data.devices.forEach(function (d, di) {
  function sets(xOf) {
    return data.stages.map(function (s, si) {
      var pts = [];
      d.blocks.forEach(function (b, bi) {
        if (b.kind === 'block' && b.stage === s.name && b.median !== null) {
          pts.push({ x: xOf(b), y: b.median, d: di, b: bi });
        }
      });
      return { label: s.name, data: pts, backgroundColor: palette[si % palette.length], radius: 5, hoverRadius: 7 };
    });
  }
  var blockLatency = 'block latency on ' + d.label + ' (ms)';
  scatter('chart-blocks-params-' + di, sets(function (b) { return b.params / 1e6; }), 'block parameters (M)',
    blockLatency, ['x', 'y']);
  scatter('chart-blocks-macs-' + di, sets(function (b) { return b.macs / 1e9; }), 'block MACs (G)',
    blockLatency, ['x', 'y']);
  if (di === 0) return;
  var latD = function (n) { return d.latency[n]; };
  var id = 'chart-devices-' + di;
  var cloudSet = makeCloud(id, 'all candidates', all, lat0, latD, 'rgba(70, 100, 170, 0.35)');
  accessors[id] = { x: lat0, y: latD };
  // Independent axes: the point is whether the ranking carries over, not which device is faster.
  var sets2 = [
    {
      label: 'front on ' + d0.label, data: candidatePoints(data.front, lat0, latD),
      backgroundColor: '#d62728', radius: 3, hoverRadius: 6
    },
    cloudSet
  ];
  scatter(id, sets2, 'latency on ' + d0.label + ' (ms)', 'latency on ' + d.label + ' (ms)', ['x', 'y']);
});
timings.total = performance.now() - t0;
document.body.setAttribute('data-ready', 'true');
`;

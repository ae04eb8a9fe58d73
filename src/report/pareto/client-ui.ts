// Script for the report page, part 1: data access, formatting, the HTML tooltip, sortable tables and
// the log/linear toggles. Plain ES2019 in a string: the page loads nothing. Data strings reach the
// DOM only through textContent, never innerHTML.
export const clientUi = String.raw`
'use strict';
var t0 = performance.now();
var data = JSON.parse(document.getElementById('report-data').textContent);
var charts = {};
// Exposed for the browser console and for tests: the chart objects, the data and timings (ms).
var timings = { start: t0, parse: performance.now() - t0, charts: {} };
window.nanosdReport = { charts: charts, data: data, timings: timings };

function digitsOf(n) {
  var idx = new Array(data.stages.length);
  for (var i = data.stages.length - 1; i >= 0; i--) {
    var k = data.stages[i].variants.length;
    idx[i] = n % k;
    n = Math.floor(n / k);
  }
  return idx;
}
function codeOf(n) {
  var idx = digitsOf(n);
  return data.stages.map(function (s, i) { return s.name + '=' + s.variants[idx[i]]; }).join(',');
}
function fmtMs(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  return v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
}
function fmtNum(v, p) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  return String(Number(v.toPrecision(p || 4)));
}
function flagNames(bits) {
  return data.flagNames.filter(function (_, i) { return (bits & (1 << i)) !== 0; });
}
// The flags a tooltip shows on device d: its run-wide conditions are told once, in the banner.
function rowFlags(d, flags) {
  return flags.filter(function (f) { return d.rowFlags.indexOf(f) >= 0; });
}
var refNames = {};
data.references.forEach(function (r) { (refNames[r.number] = refNames[r.number] || []).push(r.name); });

function describeCandidate(n) {
  var refs = refNames[n] ? ' · ' + refNames[n].join(', ') : '';
  var lines = [codeOf(n), 'candidate ' + n + ' (' + digitsOf(n).join('.') + ')' + refs];
  var f = [];
  data.devices.forEach(function (d) {
    rowFlags(d, flagNames(d.flagBits[n] || 0)).forEach(function (x) { if (f.indexOf(x) < 0) f.push(x); });
    lines.push(d.label + ': ' + fmtMs(d.latency[n]) + ' ms (95% ' + fmtMs(d.lo[n]) + '–' + fmtMs(d.hi[n]) + ')');
    if (d.pipeline && d.pipeline.seconds[n] !== null) {
      var share = Math.round(100 * d.pipeline.vaeShare[n]);
      var perImage = fmtNum(d.pipeline.seconds[n], 4) + ' s per image with VAE ' + d.pipeline.vae;
      lines.push(d.label + ': ' + perImage + ' (VAE ' + share + '% of a tile)');
    }
  });
  lines.push('params ' + (data.params[n] / 1e6).toFixed(2) + ' M · MACs ' + fmtNum(data.gmacs[n], 4) + ' G');
  if (data.quality) lines.push(data.quality.metric + ' ' + fmtNum(data.quality.values[n], 5));
  if (f.length) lines.push('flags: ' + f.join(', '));
  return lines;
}
function describeBlock(d, b) {
  var blk = data.devices[d].blocks[b];
  var interval = ' ms (95% ' + fmtMs(blk.lo) + '–' + fmtMs(blk.hi) + ')';
  var lines = [blk.stage + ' ' + blk.variant, data.devices[d].label + ': ' + fmtMs(blk.median) + interval,
    'params ' + (blk.params / 1e6).toFixed(3) + ' M · MACs ' + fmtNum(blk.macs / 1e9, 4) + ' G'];
  var shown = rowFlags(data.devices[d], blk.flags);
  if (shown.length) lines.push('flags: ' + shown.join(', '));
  return lines;
}

var tooltipEl = document.getElementById('tooltip');
function hideTooltip() { tooltipEl.style.display = 'none'; }
function showTooltip(chart, blocks, caretX, caretY) {
  tooltipEl.textContent = '';
  blocks.forEach(function (lines) {
    var box = document.createElement('div');
    box.className = 'tt-item';
    lines.forEach(function (line, i) {
      var div = document.createElement('div');
      if (i === 0) div.className = 'tt-code';
      div.textContent = line;
      box.appendChild(div);
    });
    tooltipEl.appendChild(box);
  });
  var rect = chart.canvas.getBoundingClientRect();
  tooltipEl.style.display = 'block';
  var left = rect.left + window.scrollX + caretX + 12;
  var maxLeft = window.scrollX + document.documentElement.clientWidth - tooltipEl.offsetWidth - 8;
  tooltipEl.style.left = Math.max(window.scrollX + 4, Math.min(left, maxLeft)) + 'px';
  tooltipEl.style.top = (rect.top + window.scrollY + caretY + 12) + 'px';
}
// chart.js tooltip hook for its own (small) datasets; the candidate cloud has its own hover.
function externalTooltip(context) {
  var tt = context.tooltip;
  if (!tt || tt.opacity === 0 || !tt.dataPoints || tt.dataPoints.length === 0) {
    hideTooltip();
    return;
  }
  var seen = {};
  var blocks = [];
  tt.dataPoints.forEach(function (dp) {
    var raw = dp.raw || {};
    var key = raw.n !== undefined ? 'c' + raw.n : raw.b !== undefined ? 'b' + raw.d + '.' + raw.b : null;
    if (key === null || seen[key] || blocks.length >= 3) return;
    seen[key] = true;
    blocks.push(raw.n !== undefined ? describeCandidate(raw.n) : describeBlock(raw.d, raw.b));
  });
  if (blocks.length === 0) hideTooltip();
  else showTooltip(context.chart, blocks, tt.caretX, tt.caretY);
}

function sortTable(th) {
  var table = th.closest('table');
  var col = Number(th.getAttribute('data-col'));
  var numeric = th.getAttribute('data-type') === 'num';
  var dir = th.getAttribute('data-dir') === 'asc' ? 'desc' : 'asc';
  table.querySelectorAll('th').forEach(function (x) { x.removeAttribute('data-dir'); });
  th.setAttribute('data-dir', dir);
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = a.cells[col].getAttribute('data-sort');
    var y = b.cells[col].getAttribute('data-sort');
    var c;
    if (numeric) {
      var fx = x === '' ? Infinity : parseFloat(x);
      var fy = y === '' ? Infinity : parseFloat(y);
      c = fx === fy ? 0 : fx < fy ? -1 : 1;
    } else c = x.localeCompare(y);
    return dir === 'asc' ? c : -c;
  });
  rows.forEach(function (r) { body.appendChild(r); });
}
document.querySelectorAll('table.sortable th').forEach(function (th) {
  th.addEventListener('click', function () { sortTable(th); });
});

function setLog(id, on) {
  var chart = charts[id];
  if (!chart) return;
  (chart.$logAxes || []).forEach(function (axis) {
    chart.options.scales[axis].type = on ? 'logarithmic' : 'linear';
  });
  chart.update('none');
}
document.querySelectorAll('input[data-log]').forEach(function (box) {
  box.addEventListener('change', function () { setLog(box.getAttribute('data-log'), box.checked); });
});
`;

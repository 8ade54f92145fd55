/**
 * A minimal live-values page: polls api/meters and renders one table per meter. Script and style
 * are served as files (app.js, app.css) so the Content-Security-Policy needs no inline allowance;
 * every URL is relative so the page also works under Home Assistant ingress' path prefix.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Smart Meter Interop</title>
<link rel="stylesheet" href="app.css">
</head>
<body>
<h1>Smart Meter Interop</h1>
<p class="muted" id="status">Waiting for the first frame…</p>
<div id="meters"></div>
<script src="app.js"></script>
</body>
</html>
`;

/** The page's stylesheet, served as app.css. */
export const PAGE_STYLE = `  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1f23; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; min-width: 28rem; }
  td, th { padding: .25rem .75rem; border-bottom: 1px solid #ddd; text-align: left; }
  td.v { text-align: right; font-variant-numeric: tabular-nums; }
  .muted { color: #666; font-size: .9rem; }
`;

/** The page's script, served as app.js: values are escaped before they reach innerHTML. */
export const PAGE_SCRIPT = `const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function refresh() {
  try {
    const [meters, status] = await Promise.all([fetch('api/meters').then((r) => r.json()), fetch('api/status').then((r) => r.json())]);
    document.getElementById('status').textContent =
      'MQTT ' + (status.mqtt.connected ? 'connected' : 'not connected') + ' (' + status.mqtt.url + ') · frames ' + status.totals.frames + ' · rejected ' + status.totals.rejected;
    document.getElementById('meters').innerHTML = meters.map((m) =>
      '<h2>' + esc((m.meter.manufacturer || m.meter.manufacturerId || '') + ' ' + (m.meter.model || '')) + ' · ' + esc(m.meter.id) + '</h2>' +
      '<p class="muted">' + esc(m.protocol) + (m.time ? ' · meter time ' + esc(m.time) : '') + ' · received ' + esc(m.receivedAt) + '</p>' +
      '<table data-meter="' + esc(m.meter.id) + '"><tr><th>Value</th><th>OBIS</th><th></th><th></th></tr>' +
      m.readings.map((r) => '<tr data-key="' + esc(r.key) + '"><td>' + esc(r.name) + '</td><td>' + esc(r.obis || '') + '</td><td class="v">' + esc(r.value === null ? '' : r.value) + '</td><td>' + esc(r.unit || '') + '</td></tr>').join('') +
      '</table>').join('');
  } catch (e) {
    document.getElementById('status').textContent = 'Gateway not reachable: ' + e;
  }
}
refresh();
setInterval(refresh, 2000);
`;

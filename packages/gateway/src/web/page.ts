/**
 * The web UI's one HTML page. Script and style are files (app.js, app.css: the bundle of
 * src/web/ui/) so the Content-Security-Policy needs no inline allowance; every URL is relative so
 * the page also works under Home Assistant ingress' path prefix.
 */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Smart Meter Interop</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="app.css">
</head>
<body>
<header>
<h1>Smart Meter Interop</h1>
<nav id="nav" aria-label="Views"><a href="#dashboard">Dashboard</a><a href="#diagnostics">Diagnostics</a><a href="#setup">Setup</a></nav>
<span id="session"></span>
</header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
<script src="app.js"></script>
</body>
</html>
`;

/** The page's icon (a lightning bolt), served as favicon.svg. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f6feb"/><path d="M9 1 3 9h4l-1 6 6-8H8z" fill="#fff"/></svg>`;

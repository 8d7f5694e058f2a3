// The live topology page: the diagram inline, and a small script that polls the stats endpoint
// and writes each node's counts under its box (and each input topic's lag under the topic), in
// place, by element id. Self-contained (no external script, font or style): it works on a closed
// network, and the page is rendered once at start; only the JSON changes.

export interface PageOptions {
  title: string;
  /** the inline <svg> with node ids (live-svg.ts) */
  svg: string;
  /** URL path of the JSON stats */
  statsPath: string;
  /** poll interval, ms */
  pollMs: number;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Runs in the browser. Kept to plain ES2020; it only touches elements the diagram has.
const CLIENT_SCRIPT = String.raw`
(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const config = JSON.parse(document.getElementById('live-config').textContent);
  const status = document.getElementById('status');

  function labelFor(group) {
    let label = group.querySelector('text.live');
    if (!label) {
      const box = group.getBBox();
      label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('class', 'live');
      label.setAttribute('text-anchor', 'middle');
      label.setAttribute('x', String(box.x + box.width / 2));
      label.setAttribute('y', String(box.y + box.height + 10));
      group.appendChild(label);
    }
    return label;
  }

  function rate(perSecond) {
    return perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1);
  }

  function apply(stats) {
    for (const [id, node] of Object.entries(stats.nodes)) {
      const group = document.getElementById(id);
      if (!group) continue;
      let text = 'in ' + node.in + ' · out ' + node.out;
      if (node.errors > 0) text += ' · err ' + node.errors;
      text += ' · ' + rate(node.perSecond) + '/s';
      labelFor(group).textContent = text;
      group.classList.toggle('has-errors', node.errors > 0);
      group.classList.toggle('busy', node.perSecond > 0);
      group.dataset.in = String(node.in);
      group.dataset.out = String(node.out);
      group.dataset.errors = String(node.errors);
    }
    for (const [id, topic] of Object.entries(stats.topics)) {
      const group = document.getElementById(id);
      if (!group) continue;
      labelFor(group).textContent = 'lag ' + topic.lag;
      group.classList.toggle('lagging', topic.lag > 0);
      group.dataset.lag = String(topic.lag);
    }
    status.textContent = 'updated ' + new Date(stats.at).toISOString();
    status.className = 'ok';
  }

  async function poll() {
    try {
      const response = await fetch(config.statsPath, { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      apply(await response.json());
    } catch (error) {
      status.textContent = 'stats unavailable: ' + error.message;
      status.className = 'failed';
    } finally {
      setTimeout(poll, config.pollMs);
    }
  }
  poll();
})();
`;

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
header { display: flex; gap: 16px; align-items: baseline; }
h1 { font-size: 18px; margin: 0; }
#status { font-size: 12px; color: #666; }
#status.failed { color: #b00020; }
svg text.live { font-size: 9px; fill: #1a5fb4; font-family: Helvetica, Arial, sans-serif; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
g.node.busy > path, g.node.busy > polygon { stroke: #1a5fb4; stroke-width: 2; }
g.node.has-errors > path, g.node.has-errors > polygon { stroke: #b00020; stroke-width: 2; }
g.node.has-errors text.live { fill: #b00020; }
g.node.lagging text.live { fill: #b35c00; font-weight: bold; }
`;

/**
 * @example res.end(topologyPageHtml({ title: 'sources-availability-check', svg, statsPath: '/topology/stats', pollMs: 1000 }))
 */
export function topologyPageHtml(options: PageOptions): string {
  // JSON inside <script type="application/json">: "<" escaped so no value can close the element
  const config = JSON.stringify({ statsPath: options.statsPath, pollMs: options.pollMs }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(options.title)} · live topology</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(options.title)}</h1><span id="status">waiting for the first numbers…</span></header>
<main>
${options.svg}
</main>
<script type="application/json" id="live-config">${config}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

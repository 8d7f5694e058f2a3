import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { topologyPageHtml } from '../../src/topology-page/index.ts';

test('the page inlines the diagram and its config; text is escaped and cannot close the script', () => {
  const html = topologyPageHtml({ title: 'a <b> & "c"', svg: '<svg id="x"></svg>', statsPath: '/topology/stats</script>', pollMs: 750 });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<title>a &lt;b&gt; &amp; &quot;c&quot; · live topology</title>'));
  assert.ok(html.includes('<svg id="x"></svg>'));
  assert.ok(html.includes('{"statsPath":"/topology/stats\\u003c/script>","pollMs":750}'));
  assert.is(html.split('</script>').length - 1, 2, 'only the two script elements close');
  assert.not.match(html, /(src|href)=["']https?:/, 'nothing loaded from elsewhere');
});

test.run();

// The test helper itself: it must reject what is not well-formed, or the SVG test proves nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkXml } from './xml-well-formed.ts';

test('accepts well-formed documents and collects unescaped text', () => {
  const result = checkXml('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- c --><svg a="1" b=\'2\'><g><text>a &amp; b &#60;</text><path d="M0"/></g></svg>\n');
  assert.is(result.problem, undefined);
  assert.ok(result.texts.includes('a & b <'));
});

test('rejects what is not well-formed', () => {
  for (const bad of ['<a><b></a></b>', '<a>', '<a></a><b></b>', '<a x="1" x="2"></a>', '<a>&nope</a>', '<a x=1></a>', 'text<a></a>', '<a><!-- x</a>', '']) {
    assert.ok(checkXml(bad).problem !== undefined, bad);
  }
});

test.run();

// A small XML well-formedness check for the SVG tests (no XML parser is a dependency): one root
// element, balanced and matching tags, quoted attributes without duplicates, valid entity
// references. Returns the problem, or undefined when the text is well-formed; also collects the
// text content so tests can look for labels.

const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*';
const OPEN_TAG = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=`, 'g');
const CLOSE_TAG = new RegExp(`^</(${NAME})\\s*>`);
const BAD_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)/;

export interface XmlCheck {
  problem: string | undefined;
  texts: string[];
}

function unescape(text: string): string {
  return text
    .replace(/&#x([0-9A-Fa-f]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function checkXml(xml: string): XmlCheck {
  const stack: string[] = [];
  const texts: string[] = [];
  let roots = 0;
  let i = 0;
  const fail = (problem: string): XmlCheck => ({ problem: `${problem} at offset ${i}`, texts });
  while (i < xml.length) {
    const rest = xml.slice(i, i + 4096);
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end < 0) return fail('unterminated processing instruction');
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) return fail('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) return fail('unterminated CDATA');
      texts.push(xml.slice(i + 9, end));
      i = end + 3;
    } else if (xml.startsWith('<!DOCTYPE', i)) {
      if (roots > 0 || stack.length > 0) return fail('DOCTYPE after the root element');
      const end = xml.indexOf('>', i);
      if (end < 0) return fail('unterminated DOCTYPE');
      i = end + 1;
    } else if (xml.startsWith('</', i)) {
      const match = CLOSE_TAG.exec(rest);
      if (!match) return fail('malformed closing tag');
      const open = stack.pop();
      if (open !== match[1]) return fail(`</${match[1]}> closes <${open ?? 'nothing'}>`);
      i += match[0].length;
    } else if (xml[i] === '<') {
      const match = OPEN_TAG.exec(rest);
      if (!match) return fail('malformed tag');
      const names = [...match[2]!.matchAll(ATTRIBUTE)].map((m) => m[1]!);
      if (new Set(names).size !== names.length) return fail(`duplicate attribute in <${match[1]}>`);
      if (BAD_AMPERSAND.test(match[2]!)) return fail(`bare & in an attribute of <${match[1]}>`);
      if (stack.length === 0) roots += 1;
      if (roots > 1) return fail('second root element');
      if (match[3] !== '/') stack.push(match[1]!);
      i += match[0].length;
    } else {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end < 0 ? xml.length : end);
      if (stack.length === 0 && text.trim() !== '') return fail('text outside the root element');
      if (BAD_AMPERSAND.test(text)) return fail('bare & in text');
      if (text.includes('>') && text.includes(']]>')) return fail(']]> in text');
      texts.push(unescape(text));
      i = end < 0 ? xml.length : end;
    }
  }
  if (stack.length > 0) return { problem: `unclosed <${stack.join('>, <')}>`, texts };
  if (roots !== 1) return { problem: 'no root element', texts };
  return { problem: undefined, texts };
}

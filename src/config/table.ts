// The README's configuration table, generated from the same list the loader validates against.
import { CONFIG_VARIABLES } from './variables.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * Markdown table `| variable | default | meaning |` of every configuration variable.
 * @example console.log(configTable())
 */
export function configTable(): string {
  const rows = CONFIG_VARIABLES.map((v) => {
    const def = v.shownDefault ?? (v.default === undefined ? 'unset' : `\`${v.default}\``);
    const meaning = v.secret ? `${v.meaning} (secret)` : v.meaning;
    return `| \`${v.name}\` | ${cell(def)} | ${cell(meaning)} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n') + '\n';
}

/**
 * @module tools/docs/text
 * Descriptions into Markdown and back out to plain text, code blocks, and the final tidy-up of a page.
 * A schema description is Markdown when its `description_kind` says so and is then inserted as written;
 * a plain one is escaped just enough that CommonMark shows it as the text it is.
 */

/**
 * Escapes the characters that would start Markdown syntax in plain text. Minimal on purpose, so the
 * generated file stays readable: a `_` after a letter or digit is left alone, since CommonMark never opens
 * emphasis there (so `pgp_key` and `key_…` stay as typed, and with no opener nothing can close), and
 * block markers only matter at the start of a line.
 */
export function escapePlain(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\`*[<~]/g, (c) => `\\${c}`)
        .replace(/&(?=#|[A-Za-z0-9]+;)/g, '\\&')
        .replace(/(?<![\p{L}\p{N}])_/gu, '\\_')
        .replace(/^(\s*)([#>+=|-])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

/**
 * A schema description as Markdown, trimmed. A hard line break written as trailing spaces becomes a
 * backslash break, which renders the same and survives the removal of trailing spaces.
 */
export function markdownOf(description: string, kind: 'plain' | 'markdown'): string {
  const text = description.trim().replace(/\r\n?/g, '\n');
  return kind === 'markdown' ? text.replace(/ {2,}\n/g, '\\\n') : escapePlain(text);
}

/**
 * Markdown reduced to plain text for the front matter, which the registry shows unrendered (tfplugindocs'
 * `plainmarkdown`): links keep their text, code spans and emphasis lose their markers, HTML tags go.
 */
export function plainOf(description: string, kind: 'plain' | 'markdown'): string {
  const text = description.trim().replace(/\r\n?/g, '\n');
  if (kind === 'plain') return text;
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>\n]+>/g, '')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*\*|__)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/(?<![\p{L}\p{N}*_])([*_])(\S(?:.*?\S)?)\1(?![\p{L}\p{N}*_])/gu, '$2')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Lines after the first indented by two spaces, so a multi-line description stays inside its list item. */
export function continueItem(markdown: string): string {
  return markdown.replace(/\n(?=[^\n])/g, '\n  ');
}

/** A fenced code block whose fence is longer than any backtick run in the code, so the code cannot close it. */
export function codeBlock(language: string, code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${code.replace(/\s+$/, '')}\n${fence}`;
}

/** A YAML block scalar (`|-`) holding text as is; blank lines stay empty rather than get the indent. */
export function yamlBlock(text: string): string {
  return `|-\n${text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `  ${line}`))
    .join('\n')}`;
}

/**
 * A page from its blocks (paragraphs, lists, code), one blank line between them, no trailing spaces and
 * exactly one newline at the end, so regenerating never makes whitespace-only diffs.
 */
export function page(blocks: (string | undefined)[]): string {
  const text = blocks
    .filter((b): b is string => b !== undefined && b.trim() !== '')
    .map((b) => b.replace(/^\n+|\s+$/g, ''))
    .join('\n\n');
  return `${text.replace(/[ \t]+$/gm, '')}\n`;
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Replaces (or appends) the section under `## title` in BENCHMARKS.md, leaving the others as they are. */
export function writeSection(file: string, title: string, body: string): void {
  const header = '# Benchmarks\n\nMeasured by `npm run bench` on this project\'s reference machine; each section says when and on what.\n';
  const text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const heading = `## ${title}\n`;
  const start = text.indexOf(heading);
  const section = `${heading}\n${body.trim()}\n`;
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  writeFileSync(file, `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next)}`);
}

export function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

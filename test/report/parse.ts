/**
 * Structure checks for the report files, without TeX or pandas (scripts/check-report.sh runs pdflatex and pandas on
 * the same files where they are installed): an RFC 4180 CSV reader and a booktabs table reader.
 */

/** RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      if (field !== '') throw new Error(`CSV: a quote inside an unquoted field at offset ${i}`);
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('CSV: an unterminated quoted field');
  if (field !== '' || row.length > 0) throw new Error('CSV: the last line has no line break');
  return rows;
}

/** Braces balanced (ignoring escaped \{ \}) and math shifts paired (ignoring \$) on `line`. */
function checkBalanced(line: string, where: string): void {
  let depth = 0;
  let math = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === '$') math++;
    if (depth < 0) throw new Error(`${where}: a closing brace without an opening one`);
    if (c === '%' || c === '#' || c === '_' || c === '^') {
      if (!(c === '^' && math % 2 === 1)) throw new Error(`${where}: an unescaped ${c}`);
    }
  }
  if (depth !== 0) throw new Error(`${where}: unbalanced braces`);
  if (math % 2 !== 0) throw new Error(`${where}: an unpaired $`);
}

/** Splits a tabular row at its unescaped & (not \&). */
function cells(line: string): string[] {
  return line.split(/(?<!\\)&/).map((c) => c.trim());
}

/**
 * Reads a `table` float holding one booktabs `tabular`: checks \begin/\end pairs, the rule order (\toprule, header,
 * \midrule, rows, \bottomrule), one cell per column on every line, balanced braces and $, no unescaped specials.
 * Returns the column spec, the header and the body cells.
 */
export function parseBooktabsTable(tex: string): { spec: string; caption: string; header: string[]; rows: string[][] } {
  const lines = tex.split('\n').filter((l) => l !== '' && !l.startsWith('%'));
  const stack: string[] = [];
  for (const [n, line] of lines.entries()) {
    checkBalanced(line, `line ${n + 1}`);
    for (const m of line.matchAll(/\\(begin|end)\{(\w+)\}/g)) {
      if (m[1] === 'begin') stack.push(m[2]!);
      else if (stack.pop() !== m[2]) throw new Error(`line ${n + 1}: \\end{${m[2]}} does not close the open environment`);
    }
  }
  if (stack.length) throw new Error(`unclosed environments: ${stack.join(', ')}`);
  const caption = /^\\caption\{(.*)\}$/.exec(lines.find((l) => l.startsWith('\\caption{')) ?? '')?.[1];
  if (caption === undefined) throw new Error('no \\caption{…} line');
  const start = lines.findIndex((l) => l.startsWith('\\begin{tabular}{'));
  const spec = /^\\begin\{tabular\}\{([lcr]+)\}$/.exec(lines[start] ?? '')?.[1];
  if (!spec) throw new Error('no \\begin{tabular}{…} with an l/c/r column spec');
  const end = lines.indexOf('\\end{tabular}');
  const body = lines.slice(start + 1, end);
  if (body[0] !== '\\toprule' || body[2] !== '\\midrule' || body[body.length - 1] !== '\\bottomrule') {
    throw new Error('the tabular is not \\toprule, header, \\midrule, rows, \\bottomrule');
  }
  const row = (line: string): string[] => {
    if (!line.endsWith(' \\\\')) throw new Error(`a tabular line does not end with \\\\: ${line}`);
    const c = cells(line.slice(0, -3));
    if (c.length !== spec.length) throw new Error(`${c.length} cells for ${spec.length} columns: ${line}`);
    return c;
  };
  return { spec, caption, header: row(body[1]!), rows: body.slice(3, -1).map(row) };
}

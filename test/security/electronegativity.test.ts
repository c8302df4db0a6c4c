import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version as string;

/**
 * Findings of MEDIUM or HIGH severity we accept, each justified in a comment beside the code it points at.
 * Anything else of MEDIUM or HIGH fails the test.
 */
const ACCEPTED = [
  // window.ts: the preload is our own sandboxed script exposing only the contract-derived bridge.
  { issue: 'PRELOAD_JS_CHECK', file: 'window.ts', sample: 'preload,' },
  // window.ts openExternalSafely: only http(s) URLs with a host and no credentials reach the shell.
  { issue: 'OPEN_EXTERNAL_JS_CHECK', file: 'window.ts', sample: 'void shell.openExternal(url);' },
];

interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
}

/** Parses electronegativity's CSV (quoted fields may contain commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!;
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

describe('electronegativity over src-main/electron', () => {
  it('reports no HIGH or MEDIUM finding beyond the accepted, justified ones', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
    const report = join(dir, 'report.csv');
    try {
      // It exits 0 even with findings, so the CSV is what we check. Its CSV writer races with itself under Node 24
      // now and then (the first finding's start overwritten by a later write: seen as a row with fewer than 8
      // fields); such a report is not a result, so the analysis is run again, at most three times in all.
      let parsed: string[][] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        rmSync(report, { force: true });
        await promisify(execFile)(process.execPath, ['--require', join(import.meta.dirname, 'electronegativity-offline.cjs'), cli, '-i', join(root, 'src-main', 'electron'), '-r', '-e', electronVersion, '-o', report], {
          cwd: root,
          timeout: 35_000,
        });
        parsed = parseCsv(readFileSync(report, 'utf8')).filter((r) => r.length > 1);
        if (parsed.every((r) => r.length >= 8)) break;
      }
      expect(parsed.every((r) => r.length >= 8)).toBe(true);
      const [header, ...rows] = parsed;
      expect(header!.map((h) => h.trim())).toEqual(['issue', 'severity', 'confidence', 'filename', 'location', 'sample', 'description', 'url']);
      const findings: Finding[] = rows.map(([issue, severity, confidence, file, location, sample]) => ({
        issue: issue!.trim(),
        severity: severity!.trim(),
        confidence: confidence!.trim(),
        file: file!.trim(),
        location: location!.trim(),
        sample: sample!.trim(),
      }));
      const serious = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
      const unexpected = serious.filter((f) => !ACCEPTED.some((a) => a.issue === f.issue && f.file.endsWith(a.file) && f.sample === a.sample));
      expect(unexpected).toEqual([]);
      // Every accepted finding still exists (otherwise the list above is stale and must shrink).
      for (const accepted of ACCEPTED) {
        expect(serious.some((f) => f.issue === accepted.issue && f.file.endsWith(accepted.file))).toBe(true);
      }
      // The global checks that catch missing hardening are silent: navigation limited, permissions handled, CSP set.
      const ids = findings.map((f) => f.issue);
      for (const id of ['LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'NODE_INTEGRATION_JS_CHECK', 'AUXCLICK_JS_CHECK', 'WEB_SECURITY_JS_CHECK']) {
        expect(ids).not.toContain(id);
      }
      expect(findings.filter((f) => f.issue === 'CSP_GLOBAL_CHECK' && f.severity !== 'LOW')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

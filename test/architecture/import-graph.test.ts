import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importSpecifiers, readImportGraph } from './import-graph.ts';

const root = join(import.meta.dirname, '..', '..');
const graph = readImportGraph(root);

describe('the import graph', () => {
  it('reads the sources, type-only and re-export edges included', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src-main/services/runs.ts')).toContain('src-main/services/run-planning.ts');
    expect(graph.get('shared/domain/job.ts')).toContain('shared/domain/schemas/jobs.ts'); // `import type` and `export type … from`
  });

  it('has no import cycle, type-level included', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('keeps the domain below the transport: shared/domain and shared/engine import nothing from shared/ipc', () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      file.startsWith('shared/domain/') || file.startsWith('shared/engine/') ? targets.filter((t) => t.startsWith('shared/ipc/')).map((t) => `${file} → ${t}`) : [],
    );
    expect(offending).toEqual([]);
    expect(graph.get('shared/ipc/schemas.ts')).toContain('shared/domain/schemas/runs.ts');
  });

  it('keeps the job runner on its own ports: src-main/jobs imports nothing from src-main/services', () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src-main/jobs/') ? targets.filter((t) => t.startsWith('src-main/services/')).map((t) => `${file} → ${t}`) : [],
    );
    expect(offending).toEqual([]);
  });

  it('keeps the CLI on the gateway: src-main/cli reaches src-main/services only through the workbench (composition root)', () => {
    const offending = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src-main/cli/')
        ? targets.filter((t) => t.startsWith('src-main/services/') && t !== 'src-main/services/workbench.ts').map((t) => `${file} → ${t}`)
        : [],
    );
    expect(offending).toEqual([]);
    // The commands themselves call channels only: not even the composition root.
    const commands = [...graph].filter(([file]) => file.startsWith('src-main/cli/commands/'));
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.flatMap(([file, targets]) => targets.filter((t) => t.startsWith('src-main/services/')).map((t) => `${file} → ${t}`))).toEqual([]);
  });

  it('the checks themselves find cycles and every kind of import', () => {
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(importCycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
    const text = [
      "import { x } from './x.ts';",
      "import type { Y } from '../y.ts';",
      'import {\n  a,\n  b,\n} from "./multi.ts";',
      "export { z } from './z.ts';",
      "export type { W } from './w.ts';",
      "import './side-effect.ts';",
      "const lazy = await import('./lazy.ts');",
      "import { z as zod } from 'zod';",
      " * import { example } from './in-a-doc-comment.ts';",
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(['../y.ts', './lazy.ts', './multi.ts', './side-effect.ts', './w.ts', './x.ts', './z.ts']);
  });
});

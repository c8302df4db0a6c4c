import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// ./shared runs in worker threads, in the renderer and in tests, so it must not import
// electron, node:* builtins, DOM-only APIs or svelte.
const root = join(import.meta.dirname, '..', '..');
const sharedDir = join(root, 'shared');

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listTs(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const FORBIDDEN_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](electron|svelte(?:\/[^'"]*)?|node:[^'"]+|fs|path|os|child_process|worker_threads|better-sqlite3)['"]/g;
const FORBIDDEN_GLOBALS = /\b(document|window|localStorage|HTMLElement|process\.)\b/;

describe('shared/ stays pure', () => {
  const files = listTs(sharedDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(root, f)]))('%s imports no electron, node:*, svelte or DOM', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const imports = [...text.matchAll(FORBIDDEN_IMPORT)].map((m) => m[1]);
    expect(imports).toEqual([]);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(FORBIDDEN_GLOBALS);
  });

  it('the check itself catches a forbidden import', () => {
    expect([..."import { app } from 'electron';".matchAll(FORBIDDEN_IMPORT)].length).toBe(1);
    expect([..."import fs from 'node:fs';".matchAll(FORBIDDEN_IMPORT)].length).toBe(1);
  });
});

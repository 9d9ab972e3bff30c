// A build context on disk for tests that drive the real server: a fresh temporary folder with these files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `files` (relative path → content) into a new folder under the system tmpdir, recorded in `roots` for removal. */
export function diskProject(prefix: string, files: Record<string, string>, roots: string[]): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  roots.push(root);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

// Where the shared real datasets live (tests and benchmarks read them; they are never copied into the repo).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

// Beside the checkout (a developer's clone), or the workplace's shared folder (a CI clone elsewhere).
const CANDIDATES = [path.resolve(repoRoot, '../shared/datasets'), '/work/shared/datasets'];

export function datasetPath(name: string): string {
  const dir =
    process.env.PISHKHAN_DATASETS ?? CANDIDATES.find((d) => existsSync(path.join(d, name))) ?? CANDIDATES[0]!;
  return path.join(dir, name);
}

export function hasDataset(name: string): boolean {
  return existsSync(datasetPath(name));
}

// Reads the SnappFood review file that trains the default Persian model (and feeds tests and the bench).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { datasetPath, hasDataset } from '../../core/datasets.ts';
import type { LabelledText } from './sentiment-model.ts';

export const SNAPPFOOD_FILE = 'snappfood_train.tsv';

export function hasSnappfoodDataset(): boolean {
  return hasDataset(SNAPPFOOD_FILE);
}

/**
 * The file is tab-separated with a header (index, comment, label, label_id); a few comments are
 * quoted with doubled inner quotes, so it needs a real CSV reader rather than a split on tabs.
 */
export function readSnappfoodReviews(file = datasetPath(SNAPPFOOD_FILE)): LabelledText[] {
  const records: string[][] = parse(readFileSync(file, 'utf8'), {
    delimiter: '\t',
    from_line: 2,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  return records.map((record, line) => {
    const [, text, label] = record;
    if (text === undefined || (label !== 'HAPPY' && label !== 'SAD')) {
      throw new Error(`${file}: unexpected record on data line ${line + 1}`);
    }
    return { text, label: label === 'HAPPY' ? 'positive' : 'negative' };
  });
}

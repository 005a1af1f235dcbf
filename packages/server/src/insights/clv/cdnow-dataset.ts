// Reads the CDNOW sample (2,357 customers, 1997-01 to 1998-06) that the CLV tests and bench fit on.
import { readFileSync } from 'node:fs';
import { datasetPath, hasDataset } from '../../core/datasets.ts';
import type { Purchase } from './purchase-summary.ts';

export const CDNOW_FILE = 'cdnow_sample.txt';

/** The calibration period of Fader, Hardie & Lee (2005): 1997-01-01 to 1997-09-30 inclusive. */
export const CDNOW_CALIBRATION_END = new Date(Date.UTC(1997, 8, 30));

export function hasCdnowDataset(): boolean {
  return hasDataset(CDNOW_FILE);
}

/** Parses the whitespace-separated lines: original id, customer id, YYYYMMDD, CDs bought, dollars. */
export function parseCdnow(text: string): Purchase[] {
  const purchases: Purchase[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    const [, customerId, date, , dollars] = line.split(/\s+/);
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(date ?? '');
    const amount = Number(dollars);
    if (customerId === undefined || match === null || dollars === undefined || !Number.isFinite(amount)) {
      throw new Error(`${CDNOW_FILE}: unexpected line ${i + 1}`);
    }
    const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    purchases.push({ customerId, at, amount });
  }
  return purchases;
}

export function readCdnowPurchases(file = datasetPath(CDNOW_FILE)): Purchase[] {
  return parseCdnow(readFileSync(file, 'utf8'));
}

// The passage of an article that answers the question best: the bot's retrieval answer and the
// search snippet. Passages are the article's markdown blocks; a heading goes with the block after it.
import { searchTerms, stripMarkdown } from './search-terms.ts';

export type Passage = { text: string; score: number; index: number };

/** Markdown blocks (paragraphs, lists, tables), a heading joined to the block that follows it. */
export function splitPassages(body: string): string[] {
  const blocks = body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0);
  const passages: string[] = [];
  let heading = '';
  for (const block of blocks) {
    if (/^#{1,6}\s/.test(block) && !block.includes('\n')) {
      heading = heading ? `${heading}\n${block}` : block;
      continue;
    }
    passages.push(heading ? `${heading}\n${block}` : block);
    heading = '';
  }
  if (heading) passages.push(heading);
  return passages;
}

/**
 * The block with the most question weight (sum of the idf of the question terms it contains);
 * a short winner takes the next block along, so a one-line lead-in does not stand alone.
 */
export function bestPassage(input: {
  body: string;
  idf: ReadonlyMap<string, number>;
  maxLength?: number;
  minLength?: number;
}): Passage {
  const { body, idf } = input;
  const passages = splitPassages(body);
  if (passages.length === 0) return { text: '', score: 0, index: 0 };
  let best: Passage = { text: passages[0]!, score: -1, index: 0 };
  passages.forEach((text, index) => {
    const present = new Set(searchTerms(stripMarkdown(text)));
    let score = 0;
    for (const [term, weight] of idf) if (present.has(term)) score += weight;
    if (score > best.score) best = { text, score, index };
  });
  let text = best.text;
  const next = passages[best.index + 1];
  if (next !== undefined && plainLength(text) < (input.minLength ?? 120)) text = `${text}\n\n${next}`;
  return { ...best, text: input.maxLength ? truncate(stripHeadingMarks(text), input.maxLength) : text };
}

function plainLength(markdown: string): number {
  return stripMarkdown(markdown).replace(/\s+/g, ' ').trim().length;
}

function stripHeadingMarks(markdown: string): string {
  return stripMarkdown(markdown).replace(/\s+/g, ' ').trim();
}

/** Cut at a word boundary with an ellipsis. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxLength * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

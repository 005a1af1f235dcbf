// Full-text search over the published articles: Okapi BM25 computed in SQL from the postings of
// the question's terms only (knowledge_terms), so its cost grows with how many articles contain
// those terms, not with the size of the knowledge base.
import type { Database, Tx } from '../db/database.ts';
import type { Language } from './search-terms.ts';
import { distinctTerms } from './search-terms.ts';
import { bestPassage } from './passages.ts';
import type { SearchHit } from './knowledge.schema.ts';

/** BM25's usual constants: term-frequency saturation and length normalisation. */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

export type RankedArticle = {
  articleId: string;
  title: string;
  body: string;
  language: Language;
  tags: string[];
  score: number;
  matchedTerms: string[];
};

export type SearchOutcome = {
  terms: string[];
  /** Inverse document frequency of every question term (unknown terms get the highest). */
  idf: Map<string, number>;
  /** Published articles in the searched corpus. */
  corpusSize: number;
  ranked: RankedArticle[];
};

type ScoreRow = { article_id: string; score: number; matched: string[] };
type DfRow = { term: string; df: number };
type StatsRow = { n: number; avgdl: number | null };

export function idfOf(input: { corpusSize: number; documentFrequency: number }): number {
  const { corpusSize: n, documentFrequency: df } = input;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Ranks published articles for a text; `language` restricts to articles in that language. */
export async function rankArticles(
  tx: Tx,
  input: { workspaceId: string; text: string; language?: Language; limit: number },
): Promise<SearchOutcome> {
  const { workspaceId, language, limit } = input;
  const terms = distinctTerms(input.text).slice(0, 64);
  const [stats] = await tx.query<StatsRow>(
    `SELECT count(*)::float8 AS n, avg(term_count)::float8 AS avgdl
       FROM knowledge_articles WHERE workspace_id = $1 AND status = 'published'`,
    [workspaceId],
  );
  const corpusSize = stats?.n ?? 0;
  const avgdl = stats?.avgdl ?? 1;
  if (terms.length === 0 || corpusSize === 0) return { terms, idf: new Map(), corpusSize, ranked: [] };

  // Document frequencies over all published articles (whatever the language filter), so a
  // term's weight does not change with the filter.
  const dfRows = await tx.query<DfRow>(
    `SELECT term, count(*)::float8 AS df FROM knowledge_terms
      WHERE workspace_id = $1 AND term = ANY($2::text[]) AND published GROUP BY term`,
    [workspaceId, terms],
  );
  const df = new Map(dfRows.map((row) => [row.term, row.df]));
  const idf = new Map(
    terms.map((term) => [term, idfOf({ corpusSize, documentFrequency: df.get(term) ?? 0 })]),
  );
  const found = terms.filter((term) => df.has(term));
  if (found.length === 0) return { terms, idf, corpusSize, ranked: [] };

  const scores = await tx.query<ScoreRow>(
    `SELECT p.article_id, sum(q.idf * p.tf * ($4::float8 + 1)
              / (p.tf + $4::float8 * (1 - $5::float8 + $5::float8 * p.doc_len / $6::float8))) AS score,
            array_agg(p.term::text) AS matched
       FROM knowledge_terms p
       JOIN unnest($2::text[], $3::float8[]) AS q(term, idf) ON q.term = p.term
      WHERE p.workspace_id = $1 AND p.term = ANY($2::text[]) AND p.published
        AND ($7::text IS NULL OR p.language = $7)
      GROUP BY p.article_id
      ORDER BY score DESC, p.article_id
      LIMIT $8`,
    [workspaceId, found, found.map((t) => idf.get(t)), BM25.k1, BM25.b, avgdl, language ?? null, limit],
  );
  if (scores.length === 0) return { terms, idf, corpusSize, ranked: [] };
  const articles = await tx.query<{
    id: string;
    title: string;
    body: string;
    language: Language;
    tags: string[];
  }>(
    `SELECT id, title, body, language, tags FROM knowledge_articles
      WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
    [workspaceId, scores.map((s) => s.article_id)],
  );
  const byId = new Map(articles.map((a) => [a.id, a]));
  const ranked = scores.flatMap((s) => {
    const article = byId.get(s.article_id);
    return article
      ? [
          {
            articleId: article.id,
            title: article.title,
            body: article.body,
            language: article.language,
            tags: article.tags,
            score: Number(s.score),
            matchedTerms: terms.filter((t) => s.matched.includes(t)),
          },
        ]
      : [];
  });
  return { terms, idf, corpusSize, ranked };
}

/** Share of the question's term weight (idf) that an article contains: 1 when it has them all. */
export function coverageOf(input: { outcome: SearchOutcome; matchedTerms: readonly string[] }): number {
  const { outcome, matchedTerms } = input;
  let total = 0;
  let matched = 0;
  for (const term of outcome.terms) {
    const weight = outcome.idf.get(term) ?? 0;
    total += weight;
    if (matchedTerms.includes(term)) matched += weight;
  }
  return total > 0 ? matched / total : 0;
}

export async function searchArticles(
  db: Database,
  input: { workspaceId: string; q: string; language?: Language; limit: number },
): Promise<{ terms: string[]; hits: SearchHit[] }> {
  const outcome = await db.inWorkspace(input.workspaceId, (tx) =>
    rankArticles(tx, {
      workspaceId: input.workspaceId,
      text: input.q,
      language: input.language,
      limit: input.limit,
    }),
  );
  return {
    terms: outcome.terms,
    hits: outcome.ranked.map((article) => ({
      articleId: article.articleId,
      title: article.title,
      language: article.language,
      tags: article.tags,
      score: round(article.score),
      coverage: round(coverageOf({ outcome, matchedTerms: article.matchedTerms })),
      matchedTerms: article.matchedTerms,
      snippet: bestPassage({ body: article.body, idf: outcome.idf, maxLength: 240 }).text,
    })),
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

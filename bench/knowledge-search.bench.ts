// Knowledge search and the answer bot at size. On a fresh database (PGlite folder or a new
// PostgreSQL database) it writes N generated articles (default 10,000, Persian and English, words
// drawn from a Zipf law over the help centre's vocabulary and made-up words) plus the labelled help
// centre, then asks the labelled questions and times:
//   - indexed search: BM25 over the postings of the question's terms (rankArticles);
//   - baseline, a plain sequential scan: every published article's stored search text read and
//     scored with the same BM25 in the process (same ranking: top hits must agree);
//   - a second baseline: one SQL LIKE scan of the search text for any question term (no ranking);
//   - the answer bot end to end (answerQuestion, retrieval only).
// Then the bot's deflection and false-answer rate on the labelled set, alone and among the
// generated distractors. Run: npx tsx bench/knowledge-search.bench.ts [--db=pglite|postgres|both] [--articles=10000]
import os from 'node:os';
import { answerQuestion } from '../packages/server/src/knowledge/answer-bot.ts';
import { createArticles } from '../packages/server/src/knowledge/articles.service.ts';
import { scoreBot, type BotOutcome } from '../packages/server/src/knowledge/bot-evaluation.ts';
import {
  readHelpCenter,
  readLabelledQuestions,
} from '../packages/server/src/knowledge/fixtures/help-center.ts';
import type { ArticleBody } from '../packages/server/src/knowledge/knowledge.schema.ts';
import { BM25, idfOf, rankArticles } from '../packages/server/src/knowledge/knowledge-search.service.ts';
import { distinctTerms, FIELD_WEIGHTS } from '../packages/server/src/knowledge/search-terms.ts';
import { tokenize } from '../packages/server/src/core/persian-text.ts';
import type { Database } from '../packages/server/src/db/database.ts';
import { arg, fmt, freshDatabase, percentile, progress } from './bench-support.ts';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ARTICLES = Number(arg('articles', '10000'));
const ROUNDS = Number(arg('rounds', '3'));
const WORKSPACE = '0190f0f0-0000-7000-8000-00000000b001';
const FIXTURE_ONLY = '0190f0f0-0000-7000-8000-00000000b002';

/** Deterministic pseudo-random numbers (mulberry32): the same corpus every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function vocabulary(language: 'fa' | 'en', next: () => number, size: number): string[] {
  const seen = new Set<string>();
  for (const article of readHelpCenter().filter((a) => a.language === language))
    for (const word of tokenize(`${article.title} ${article.body}`)) if (!/^\d+$/.test(word)) seen.add(word);
  const letters = language === 'fa' ? 'ابپتجچحخدرزسشصطعفقکگلمنوهی' : 'abcdefghijklmnoprstuvwy';
  while (seen.size < size) {
    const length = 3 + Math.floor(next() * 6);
    let word = '';
    for (let i = 0; i < length; i += 1) word += letters[Math.floor(next() * letters.length)];
    seen.add(word);
  }
  // Shuffle so the help centre's words are spread over the Zipf ranks, not all the commonest.
  const words = [...seen];
  for (let i = words.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [words[i], words[j]] = [words[j]!, words[i]!];
  }
  return words;
}

function zipfSampler(size: number, next: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank += 1) cumulative[rank] = total += 1 / (rank + 1);
  return () => {
    const target = next() * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function generateArticles(count: number): ArticleBody[] {
  const next = random(42);
  const words = { fa: vocabulary('fa', next, 6000), en: vocabulary('en', next, 6000) };
  const pick = zipfSampler(6000, next);
  const sentence = (language: 'fa' | 'en', n: number) =>
    Array.from({ length: n }, () => words[language][pick()]).join(' ');
  return Array.from({ length: count }, (_, i) => {
    const language = i % 2 === 0 ? 'fa' : 'en';
    const paragraphs = 2 + Math.floor(next() * 4);
    return {
      title: sentence(language, 3 + Math.floor(next() * 5)),
      body: Array.from({ length: paragraphs }, () => sentence(language, 15 + Math.floor(next() * 35))).join(
        '\n\n',
      ),
      language,
      tags: [sentence(language, 1)],
      status: next() < 0.9 ? 'published' : 'draft',
    };
  });
}

type Hit = { articleId: string; score: number };

/** The baseline: read every published article's search text and score it in the process. */
async function scanSearch(
  db: Database,
  workspaceId: string,
  question: string,
  limit: number,
): Promise<Hit[]> {
  const terms = distinctTerms(question);
  const rows = await db.inWorkspace(workspaceId, (tx) =>
    tx.query<{ id: string; search_text: string; term_count: number }>(
      "SELECT id, search_text, term_count FROM knowledge_articles WHERE workspace_id = $1 AND status = 'published'",
      [workspaceId],
    ),
  );
  const weights = [FIELD_WEIGHTS.title, FIELD_WEIGHTS.tags, FIELD_WEIGHTS.body];
  const wanted = new Set(terms);
  const docs = rows.map((row) => {
    const tf = new Map<string, number>();
    row.search_text.split(' | ').forEach((part, field) => {
      for (const term of part.split(' '))
        if (wanted.has(term)) tf.set(term, (tf.get(term) ?? 0) + (weights[field] ?? 1));
    });
    return { id: row.id, tf, length: Number(row.term_count) };
  });
  const n = docs.length;
  const avgdl = docs.reduce((sum, d) => sum + d.length, 0) / Math.max(1, n);
  const idf = new Map(
    terms.map((t) => [
      t,
      idfOf({ corpusSize: n, documentFrequency: docs.filter((d) => d.tf.has(t)).length }),
    ]),
  );
  const hits: Hit[] = [];
  for (const doc of docs) {
    let score = 0;
    for (const [term, f] of doc.tf)
      score +=
        (idf.get(term)! * f * (BM25.k1 + 1)) / (f + BM25.k1 * (1 - BM25.b + (BM25.b * doc.length) / avgdl));
    if (score > 0) hits.push({ articleId: doc.id, score });
  }
  return hits.sort((a, b) => b.score - a.score || (a.articleId < b.articleId ? -1 : 1)).slice(0, limit);
}

async function likeScan(db: Database, workspaceId: string, question: string): Promise<number> {
  const terms = distinctTerms(question);
  if (terms.length === 0) return 0;
  const rows = await db.inWorkspace(workspaceId, (tx) =>
    tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM knowledge_articles
        WHERE workspace_id = $1 AND status = 'published' AND search_text LIKE ANY($2::text[])`,
      [workspaceId, terms.map((t) => `%${t}%`)],
    ),
  );
  return rows[0]?.n ?? 0;
}

async function timeEach(questions: string[], run: (q: string) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (const q of questions) {
    const start = performance.now();
    await run(q);
    ms.push(performance.now() - start);
  }
  return ms;
}

async function botFigures(db: Database, workspaceId: string, idOfKey: Map<string, string>) {
  const keyOfId = new Map([...idOfKey].map(([key, id]) => [id, key]));
  const outcomes: BotOutcome[] = [];
  for (const item of readLabelledQuestions()) {
    const reply = await answerQuestion({ db, llm: null }, { workspaceId, question: item.question });
    outcomes.push({
      expect: item.expect,
      answered: reply.kind === 'answer' ? (keyOfId.get(reply.citations[0]!.articleId) ?? 'generated') : null,
    });
  }
  return scoreBot(outcomes);
}

async function benchOne(kind: 'postgres' | 'pglite'): Promise<void> {
  const db = await freshDatabase(kind, SERVER, 'pishkhan_kb_bench');
  const { db: database } = db.opened;
  try {
    const fixture = readHelpCenter();
    const fixtureIds = await createArticles(database, { workspaceId: FIXTURE_ONLY, articles: fixture });
    const generated = generateArticles(ARTICLES);
    const started = performance.now();
    for (let i = 0; i < generated.length; i += 250) {
      await createArticles(database, { workspaceId: WORKSPACE, articles: generated.slice(i, i + 250) });
      progress(`[${kind}] writing articles`, Math.min(i + 250, generated.length), generated.length);
    }
    const writeSeconds = (performance.now() - started) / 1000;
    const mixedIds = await createArticles(database, { workspaceId: WORKSPACE, articles: fixture });
    const [postings] = await database.inWorkspace(WORKSPACE, (tx) =>
      tx.query<{ n: number }>('SELECT count(*)::int AS n FROM knowledge_terms WHERE workspace_id = $1', [
        WORKSPACE,
      ]),
    );
    if (kind === 'postgres')
      await database.asSystem((tx) => tx.query('ANALYZE knowledge_terms; ANALYZE knowledge_articles'));

    const questions = readLabelledQuestions().map((q) => q.question);
    const indexed = (q: string) =>
      database.inWorkspace(WORKSPACE, (tx) =>
        rankArticles(tx, { workspaceId: WORKSPACE, text: q, limit: 10 }),
      );
    // Same ranking: the top hit of the index and of the scan agree (ties aside).
    let agree = 0;
    for (const q of questions) {
      const a = (await indexed(q)).ranked[0];
      const b = (await scanSearch(database, WORKSPACE, q, 10))[0];
      if (a?.articleId === b?.articleId || (a && b && Math.abs(a.score - b.score) < 1e-6)) agree += 1;
    }
    // Interleave so load from elsewhere on the machine falls on both alike.
    const indexedMs: number[] = [];
    const scanMs: number[] = [];
    const likeMs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      indexedMs.push(...(await timeEach(questions, indexed)));
      scanMs.push(...(await timeEach(questions, (q) => scanSearch(database, WORKSPACE, q, 10))));
      likeMs.push(...(await timeEach(questions, (q) => likeScan(database, WORKSPACE, q))));
    }
    const botMs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1)
      botMs.push(
        ...(await timeEach(questions, (q) =>
          answerQuestion({ db: database, llm: null }, { workspaceId: WORKSPACE, question: q }),
        )),
      );
    const alone = await botFigures(
      database,
      FIXTURE_ONLY,
      new Map(fixture.map((a, i) => [a.key, fixtureIds[i]!])),
    );
    const mixed = await botFigures(
      database,
      WORKSPACE,
      new Map(fixture.map((a, i) => [a.key, mixedIds[i]!])),
    );

    const p = (values: number[], q: number) => fmt(percentile(values, q), 2).padStart(8);
    const published = [...generated, ...fixture].filter((a) => a.status === 'published').length;
    console.log(
      `\n[${kind}] ${fmt(ARTICLES)} generated articles (+${fixture.length} labelled), ${fmt(published)} published, ${fmt(postings?.n ?? 0)} postings`,
    );
    console.log(`  write   ${fmt(ARTICLES / writeSeconds)} articles/s (batches of 250, postings included)`);
    console.log(
      `  query latency over ${questions.length} labelled questions × ${ROUNDS} rounds (ms)                 p50      p90      p99`,
    );
    console.log(
      `  indexed BM25 (postings of the question's terms)          ${p(indexedMs, 50)} ${p(indexedMs, 90)} ${p(indexedMs, 99)}`,
    );
    console.log(
      `  baseline: sequential scan + same BM25 in process         ${p(scanMs, 50)} ${p(scanMs, 90)} ${p(scanMs, 99)}`,
    );
    console.log(
      `  baseline: SQL LIKE scan of the search text (no ranking)  ${p(likeMs, 50)} ${p(likeMs, 90)} ${p(likeMs, 99)}`,
    );
    console.log(
      `  answer bot end to end (retrieval, no LLM)                ${p(botMs, 50)} ${p(botMs, 90)} ${p(botMs, 99)}`,
    );
    console.log(
      `  ratio   scan / indexed p50 ${fmt(percentile(scanMs, 50) / percentile(indexedMs, 50), 1)}×, LIKE / indexed p50 ${fmt(percentile(likeMs, 50) / percentile(indexedMs, 50), 1)}×; top hit agrees with the scan on ${agree}/${questions.length}`,
    );
    const line = (name: string, s: ReturnType<typeof scoreBot>) =>
      `  bot ${name.padEnd(34)} deflection ${(s.deflection * 100).toFixed(1)}%  false answers ${(s.falseAnswerRate * 100).toFixed(1)}% of ${s.answers}  answerable answered right ${(s.answerableRecall * 100).toFixed(1)}%`;
    console.log(line('labelled help centre alone', alone));
    console.log(line(`among ${fmt(ARTICLES)} generated articles`, mixed));
  } finally {
    await db.opened.close();
    await db.drop();
  }
}

const which = arg('db', 'both');
const kinds =
  which === 'both' ? (['postgres', 'pglite'] as const) : ([which as 'postgres' | 'pglite'] as const);
console.log(`Knowledge search benchmark on ${os.cpus().length} CPUs, Node ${process.version}`);
for (const kind of kinds) await benchOne(kind);

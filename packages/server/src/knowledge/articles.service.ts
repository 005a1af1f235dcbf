// Knowledge base articles: create, read, change, delete. Every write rewrites the article's
// postings (knowledge_terms) in the same transaction, so search never sees a half-indexed article.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import type { Article, ArticleBody, ArticleListQuery, ArticlePatch } from './knowledge.schema.ts';
import { articleTerms } from './search-terms.ts';

type ArticleRow = {
  id: string;
  title: string;
  body: string;
  language: Article['language'];
  tags: string[];
  status: Article['status'];
  search_text: string;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'id, title, body, language, tags, status, search_text, created_at, updated_at';

function fromRow(row: ArticleRow): Article {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    language: row.language,
    tags: row.tags,
    status: row.status,
    searchText: row.search_text,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const notFound = (id: string) =>
  appError('PSK_ARTICLE_NOT_FOUND', { field: 'id', message: `No article ${id} in this workspace` });

/** Rewrites the article's postings from its current text, status and language. */
async function indexArticle(
  tx: Tx,
  input: { workspaceId: string; article: Omit<Article, 'searchText' | 'createdAt' | 'updatedAt'> },
): Promise<{ searchText: string; termCount: number }> {
  const { workspaceId, article } = input;
  const terms = articleTerms(article);
  await tx.query('DELETE FROM knowledge_terms WHERE workspace_id = $1 AND article_id = $2', [
    workspaceId,
    article.id,
  ]);
  const published = article.status === 'published';
  await tx.appendRows(
    'knowledge_terms',
    ['workspace_id', 'term', 'article_id', 'tf', 'doc_len', 'published', 'language'],
    [...terms.frequencies].map(([term, tf]) => [
      workspaceId,
      term,
      article.id,
      tf,
      terms.length,
      published,
      article.language,
    ]),
  );
  return { searchText: terms.text, termCount: terms.length };
}

export async function createArticle(
  db: Database,
  input: { workspaceId: string; article: ArticleBody },
): Promise<Article> {
  const { workspaceId, article } = input;
  const id = uuidv7();
  return db.inWorkspace(workspaceId, async (tx) => {
    const indexed = await indexArticle(tx, { workspaceId, article: { id, ...article } });
    const [row] = await tx.query<ArticleRow>(
      `INSERT INTO knowledge_articles
         (workspace_id, id, title, body, language, tags, status, search_text, term_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        workspaceId,
        id,
        article.title,
        article.body,
        article.language,
        article.tags,
        article.status,
        indexed.searchText,
        indexed.termCount,
      ],
    );
    return fromRow(row!);
  });
}

/** Many articles in one transaction (imports, benchmarks, fixtures). */
export async function createArticles(
  db: Database,
  input: { workspaceId: string; articles: readonly ArticleBody[] },
): Promise<string[]> {
  const { workspaceId } = input;
  return db.inWorkspace(workspaceId, async (tx) => {
    const articleRows: unknown[][] = [];
    const termRows: unknown[][] = [];
    const ids: string[] = [];
    for (const article of input.articles) {
      const id = uuidv7();
      ids.push(id);
      const terms = articleTerms(article);
      articleRows.push([
        workspaceId,
        id,
        article.title,
        article.body,
        article.language,
        article.tags,
        article.status,
        terms.text,
        terms.length,
      ]);
      for (const [term, tf] of terms.frequencies)
        termRows.push([
          workspaceId,
          term,
          id,
          tf,
          terms.length,
          article.status === 'published',
          article.language,
        ]);
    }
    await tx.appendRows(
      'knowledge_articles',
      ['workspace_id', 'id', 'title', 'body', 'language', 'tags', 'status', 'search_text', 'term_count'],
      articleRows,
    );
    await tx.appendRows(
      'knowledge_terms',
      ['workspace_id', 'term', 'article_id', 'tf', 'doc_len', 'published', 'language'],
      termRows,
    );
    return ids;
  });
}

export async function getArticle(
  db: Database,
  input: { workspaceId: string; articleId: string },
): Promise<Result<Article, AppError>> {
  const rows = await db.inWorkspace(input.workspaceId, (tx) =>
    tx.query<ArticleRow>(`SELECT ${COLUMNS} FROM knowledge_articles WHERE workspace_id = $1 AND id = $2`, [
      input.workspaceId,
      input.articleId,
    ]),
  );
  return rows[0] ? ok(fromRow(rows[0])) : err(notFound(input.articleId));
}

/** Titles of articles by id (citations), in one query. */
export async function articleTitles(
  tx: Tx,
  input: { workspaceId: string; articleIds: readonly string[] },
): Promise<Map<string, ArticleRow>> {
  if (input.articleIds.length === 0) return new Map();
  const rows = await tx.query<ArticleRow>(
    `SELECT ${COLUMNS} FROM knowledge_articles WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
    [input.workspaceId, input.articleIds],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

export async function updateArticle(
  db: Database,
  input: { workspaceId: string; articleId: string; patch: ArticlePatch },
): Promise<Result<Article, AppError>> {
  const { workspaceId, articleId, patch } = input;
  return db.inWorkspace(workspaceId, async (tx) => {
    const [current] = await tx.query<ArticleRow>(
      `SELECT ${COLUMNS} FROM knowledge_articles WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, articleId],
    );
    if (!current) return err(notFound(articleId));
    const next = {
      id: articleId,
      title: patch.title ?? current.title,
      body: patch.body ?? current.body,
      language: patch.language ?? current.language,
      tags: patch.tags ?? current.tags,
      status: patch.status ?? current.status,
    };
    const indexed = await indexArticle(tx, { workspaceId, article: next });
    const [row] = await tx.query<ArticleRow>(
      `UPDATE knowledge_articles
          SET title = $3, body = $4, language = $5, tags = $6, status = $7, search_text = $8,
              term_count = $9, updated_at = now()
        WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [
        workspaceId,
        articleId,
        next.title,
        next.body,
        next.language,
        next.tags,
        next.status,
        indexed.searchText,
        indexed.termCount,
      ],
    );
    return ok(fromRow(row!));
  });
}

export async function deleteArticle(
  db: Database,
  input: { workspaceId: string; articleId: string },
): Promise<Result<{ deleted: true }, AppError>> {
  const { workspaceId, articleId } = input;
  return db.inWorkspace(workspaceId, async (tx) => {
    const rows = await tx.query(
      'DELETE FROM knowledge_articles WHERE workspace_id = $1 AND id = $2 RETURNING id',
      [workspaceId, articleId],
    );
    if (rows.length === 0) return err(notFound(articleId));
    await tx.query('DELETE FROM knowledge_terms WHERE workspace_id = $1 AND article_id = $2', [
      workspaceId,
      articleId,
    ]);
    return ok({ deleted: true as const });
  });
}

/** Newest first; the cursor is the id of the last article of the previous page (ids are UUIDv7). */
export async function listArticles(
  db: Database,
  input: { workspaceId: string } & ArticleListQuery,
): Promise<{ articles: Omit<Article, 'body' | 'searchText'>[]; nextCursor: string | null }> {
  const { workspaceId, status, language, tag, limit, cursor } = input;
  const rows = await db.inWorkspace(workspaceId, (tx) =>
    tx.query<ArticleRow>(
      `SELECT ${COLUMNS} FROM knowledge_articles
        WHERE workspace_id = $1
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR language = $3)
          AND ($4::text IS NULL OR $4 = ANY(tags))
          AND ($5::uuid IS NULL OR id < $5)
        ORDER BY id DESC LIMIT $6`,
      [workspaceId, status ?? null, language ?? null, tag ?? null, cursor ?? null, limit + 1],
    ),
  );
  const page = rows.slice(0, limit).map((row) => {
    const { body: _body, searchText: _searchText, ...summary } = fromRow(row);
    return summary;
  });
  return { articles: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

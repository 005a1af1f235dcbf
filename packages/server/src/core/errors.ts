// The one catalogue of expected failures. Each code has its HTTP status and a message that names
// what was wrong; docs/errors.md lists them all (a test keeps the two in step).

export const ERROR_CATALOGUE = {
  PSK_VALIDATION: { status: 400, message: 'Invalid request' },
  PSK_BODY_NOT_JSON: { status: 400, message: 'The request body is not valid JSON' },
  PSK_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than this endpoint accepts' },
  PSK_INGEST_EVENT_TOO_LARGE: { status: 400, message: 'An event is larger than 32 KB' },
  PSK_INGEST_BATCH_TOO_LARGE: { status: 400, message: 'A batch is larger than 500 KB' },
  PSK_INGEST_INVALID_EVENT: { status: 400, message: 'An event is not valid' },
  PSK_AUTH_MISSING: { status: 401, message: 'Credentials are missing' },
  PSK_AUTH_INVALID_WRITE_KEY: { status: 401, message: 'The write key is not known' },
  PSK_AUTH_INVALID_TOKEN: { status: 401, message: 'The token is not valid or has expired' },
  PSK_AUTH_BAD_CREDENTIALS: { status: 401, message: 'The email or password is wrong' },
  PSK_FORBIDDEN_ROLE: { status: 403, message: 'Your role does not allow this' },
  PSK_SIGNUP_CLOSED: {
    status: 403,
    message: 'Sign-up is closed on this instance: ask an admin for an invitation',
  },
  PSK_INVITATION_INVALID: { status: 400, message: 'The invitation is not valid or was already used' },
  PSK_EMAIL_TAKEN: { status: 409, message: 'A user with this email already exists' },
  PSK_ROUTE_NOT_FOUND: { status: 404, message: 'No such endpoint' },
  PSK_CUSTOMER_NOT_FOUND: { status: 404, message: 'No customer matches' },
  PSK_ACCOUNT_NOT_FOUND: { status: 404, message: 'No account matches' },
  PSK_MERGE_NOT_FOUND: { status: 404, message: 'No merge matches' },
  PSK_MERGE_ALREADY_UNDONE: { status: 409, message: 'This merge was already undone' },
  PSK_MERGE_NOT_LATEST: { status: 409, message: 'Undo the later merges of this customer first' },
  PSK_IDENTIFIER_INVALID: { status: 400, message: 'The identifier is not valid for its type' },
  PSK_CURSOR_INVALID: { status: 400, message: 'The cursor is not valid' },
  PSK_INSIGHTS_NOT_ENOUGH_DATA: { status: 422, message: 'There is not enough history to fit this model' },
  PSK_OFFER_NOT_FOUND: { status: 404, message: 'No Offer Sent event has this offerId' },
  PSK_IMPORT_ROWS_INVALID: {
    status: 400,
    message: 'Some rows of the import are not valid; nothing was imported',
  },
  PSK_USER_NOT_FOUND: { status: 404, message: 'No user matches' },
  PSK_INBOX_NOT_FOUND: { status: 404, message: 'No inbox matches' },
  PSK_INBOX_CONFIG_INVALID: { status: 400, message: 'The inbox configuration is not valid for its channel' },
  PSK_INBOX_DISABLED: {
    status: 409,
    message: 'The inbox is disabled (its provider refused our credentials)',
  },
  PSK_CHANNEL_NOT_AVAILABLE: { status: 400, message: 'This hub has no adapter for that channel' },
  PSK_WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    message: 'The webhook signature or secret is missing or wrong',
  },
  PSK_CONVERSATION_NOT_FOUND: { status: 404, message: 'No conversation matches' },
  PSK_CONVERSATION_CONFLICT: { status: 409, message: 'The conversation cannot change that way' },
  PSK_MESSAGE_NOT_FOUND: { status: 404, message: 'No message matches' },
  PSK_ATTACHMENT_NOT_FOUND: { status: 404, message: 'No attachment of this message has that number' },
  PSK_ATTACHMENT_TOO_LARGE: { status: 400, message: 'An attachment, or all of them together, is too large' },
  PSK_ATTACHMENT_NOT_SUPPORTED: {
    status: 400,
    message: 'The reply channel of the conversation cannot send files',
  },
  PSK_TEAM_NOT_FOUND: { status: 404, message: 'No team matches' },
  PSK_STATUS_UNKNOWN: { status: 400, message: 'No such conversation status' },
  PSK_DESK_ITEM_NOT_FOUND: { status: 404, message: 'No such canned response, macro, rule, policy or survey' },
  PSK_ARTICLE_NOT_FOUND: { status: 404, message: 'No knowledge base article matches' },
  PSK_SENTIMENT_FEW_EXAMPLES: {
    status: 422,
    message: 'Too few labelled examples of each label to train a model',
  },
  PSK_DATA_DIR_LOCKED: { status: 500, message: 'The data folder is used by another Pishkhan process' },
  PSK_INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export type AppError = {
  type: ErrorCode;
  status: number;
  message: string;
  /** The request field at fault, in path form (`batch[3].userId`). */
  field?: string;
  details?: unknown;
};

export function appError(
  type: ErrorCode,
  options: { field?: string; message?: string; details?: unknown } = {},
): AppError {
  const entry = ERROR_CATALOGUE[type];
  const base = options.message ?? entry.message;
  return {
    type,
    status: entry.status,
    message: options.field && !options.message ? `${base} (field: ${options.field})` : base,
    ...(options.field ? { field: options.field } : {}),
    ...(options.details !== undefined ? { details: options.details } : {}),
  };
}

/** Thrown only to cross framework boundaries (Fastify hooks); services return errors as values. */
export class AppErrorException extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

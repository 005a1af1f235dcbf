// Figures of the answer bot on a labelled question set (the test and the benchmark print them).

export type BotOutcome = {
  /** The article key that answers the question, or null when a person should take it. */
  expect: string | null;
  /** The article key the bot cited, or null when it handed over. */
  answered: string | null;
  language?: string;
};

export type BotScore = {
  questions: number;
  answers: number;
  /** Share of all questions the bot answered itself (no person needed). */
  deflection: number;
  /** Answers citing an article other than the expected one, or answering a should-hand-over question. */
  wrongAnswers: number;
  /** Wrong answers as a share of the answers given. */
  falseAnswerRate: number;
  /** Share of the answerable questions answered with the right article. */
  answerableRecall: number;
  /** Share of the should-hand-over questions the bot handed over. */
  handoverPrecision: number;
};

export function scoreBot(outcomes: readonly BotOutcome[]): BotScore {
  const answers = outcomes.filter((o) => o.answered !== null);
  const wrong = answers.filter((o) => o.answered !== o.expect).length;
  const answerable = outcomes.filter((o) => o.expect !== null);
  const shouldHandOver = outcomes.filter((o) => o.expect === null);
  return {
    questions: outcomes.length,
    answers: answers.length,
    deflection: share(answers.length, outcomes.length),
    wrongAnswers: wrong,
    falseAnswerRate: share(wrong, answers.length),
    answerableRecall: share(answerable.filter((o) => o.answered === o.expect).length, answerable.length),
    handoverPrecision: share(shouldHandOver.filter((o) => o.answered === null).length, shouldHandOver.length),
  };
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

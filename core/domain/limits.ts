/** Size limits shared by the API schemas, the domain and the create form. */
export const LIMITS = {
  titleChars: 200,
  scriptChars: 2_000_000,
  promptChars: 2000,
  /** One sentence's text (the database holds the same bound). */
  sentenceChars: 10_000,
  sentencesPerProject: 20_000,
} as const;

/** A refusal in the protocol's terms: HTTP status, a code for programs, messages for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageZh?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

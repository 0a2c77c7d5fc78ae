/** A refusal a client can act on: HTTP status, a code for programs, messages for people. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageZh?: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export const refuse = (status: number, code: string, message: string, messageZh?: string): never => {
  throw new RequestError(status, code, message, messageZh);
};

/**
 * Errors the domain raises for the web layer to map onto HTTP statuses (Fresh's HttpError idea,
 * kept free of HTTP here): the message is a sentence the user can act on.
 */

/** Something the request named does not exist (404). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/**
 * The request is valid but conflicts with the current state (409). `details` go into the answer
 * beside the message (e.g. the scenes an export cannot show).
 */
export class ConflictError extends Error {
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = "ConflictError";
  }
}

/** The input is well-formed but unusable, e.g. a script with no sentences (400/422). */
export class InvalidInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = "InvalidInputError";
    this.field = field;
  }
}

/** Something the request needs is out of reach for now, e.g. the GPU server (503). */
export class UnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnavailableError";
  }
}

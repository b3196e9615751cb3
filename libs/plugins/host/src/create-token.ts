import type { DependencyContainer } from 'tsyringe';

declare const TOKEN_TYPE: unique symbol;

/** A DI token that carries the type it resolves to (a plain symbol at run time). */
export type Token<T> = symbol & { readonly [TOKEN_TYPE]?: T };

/** A new, unique typed token; `description` shows in DI error messages. */
export function createToken<T>(description: string): Token<T> {
  return Symbol(description) as Token<T>;
}

/** Resolves a typed token with its type. */
export function resolveToken<T>(container: DependencyContainer, token: Token<T>): T {
  return container.resolve<T>(token);
}

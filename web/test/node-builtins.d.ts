/**
 * The few Node built-ins the unit tests use. Debian packages no `@types/node`, so these declarations stand in for
 * it; they cover only what web/test calls.
 */

declare module "node:test" {
  type Body = () => void | Promise<void>;
  export function describe(name: string, body: () => void): void;
  export function it(name: string, body: Body): void;
  export function test(name: string, body: Body): void;
}

declare module "node:assert/strict" {
  interface Assert {
    (value: unknown, message?: string): asserts value;
    ok(value: unknown, message?: string): asserts value;
    equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    notDeepEqual(actual: unknown, expected: unknown, message?: string): void;
    match(actual: string, expected: RegExp, message?: string): void;
    throws(block: () => unknown, expected?: RegExp | (new (...args: never[]) => Error), message?: string): void;
  }
  const assert: Assert;
  export default assert;
}

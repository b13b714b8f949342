/**
 * The named methods of `target`, each bound to it: a hook hands them out as plain functions
 * (`const { unlock } = useTwoFactorConfig(workflow)`) that stay the same across renders.
 */
export function boundMethods<T extends object, K extends keyof T>(
  target: T,
  names: readonly K[],
): Pick<T, K> {
  const methods = {} as Pick<T, K>;
  for (const name of names) {
    methods[name] = (target[name] as (...args: unknown[]) => unknown).bind(target) as T[K];
  }
  return methods;
}

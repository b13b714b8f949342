import * as z from 'zod/mini';

/** DSM's name pattern: one line, not blank, at most 4096 characters (a device name). */
export const DeviceName = z
  .string()
  .check(
    z.maxLength(4096, 'must be at most 4096 characters'),
    z.regex(/^[^\n]*[^\s\n][^\n]*$/, 'must be one line and not blank'),
  );

/** Ids that go into a URL path (`format: uuid`): checked so nothing else lands in the path. */
export const PathId = z.guid('must be a UUID');

/** A non-empty secret (password, recovery code) on its way to DSM. */
export const NonEmptySecret = z.string().check(z.minLength(1, 'must not be empty'));

/** `nullable` and not required in DSM's document: absent, `null` or the value. */
export const maybe = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

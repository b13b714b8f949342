/**
 * The signed-in account beside a password field, hidden: password managers and screen readers
 * expect a username in a password form (Chromium warns without one).
 */
export function AccountField({ email }: { email: string }) {
  return (
    <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
  );
}

/**
 * Why a stored snapshot was refused, on `InvalidSnapshotError.reason` and
 * `InvalidSignInSnapshotError.reason`:
 *
 * - `malformed`: not JSON, not a snapshot of this kind, or fields that contradict each other.
 * - `newerVersion`: written by a newer version of this library.
 * - `unsigned`: a `snapshotKey` is set, but the snapshot carries no signature.
 * - `forged`: the signature does not match: the snapshot was altered after `persist()`, or
 *   signed with a key that is not among `snapshotKey`'s.
 * - `foreign`: an authentic snapshot, but of another user, or another kind (a sign-in snapshot
 *   handed to the 2FA workflow, or the reverse).
 * - `unusable`: authentic and well-formed, but it cannot be resumed as it is (it locks later
 *   than one auto-lock window from now; a session snapshot came without its token).
 */
export type SnapshotRefusalReason =
  | 'malformed'
  | 'newerVersion'
  | 'unsigned'
  | 'forged'
  | 'foreign'
  | 'unusable';

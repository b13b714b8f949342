import * as z from 'zod/mini';
import { NonEmptySecret } from './common.js';
import { Fido2AssertionResult } from './fido2.js';

const uuidKey = (key: string) => z.object({ [key]: z.string() });

/** `ReviewerPrincipal`: who may approve or deny. */
const ReviewerPrincipal = z.union([z.object({ app: z.string() }), z.object({ user: z.string() })]);

/** `Principal`: who asked. */
const Principal = z.union([
  z.object({ app: z.string() }),
  z.object({ user: z.string() }),
  z.object({ plugin: z.string() }),
  z.object({ userviaapp: z.object({ user_id: z.string(), scopes: z.array(z.string()) }) }),
  z.literal('system'),
  z.literal('unregistereduser'),
]);

const reviewerFlags = {
  requires_password: z.optional(z.nullable(z.boolean())),
  requires_2fa: z.optional(z.nullable(z.boolean())),
};

/** `Reviewer`: a principal and what its approval must carry. */
const Reviewer = z.union([
  z.object({ app: z.string(), ...reviewerFlags }),
  z.object({ user: z.string(), ...reviewerFlags }),
]);

/** `ApprovalSubject`: an object the request acts on. */
const ApprovalSubject = z.union([
  ...['group', 'sobject', 'app', 'plugin', 'account', 'role'].map(uuidKey),
  z.literal('newaccount'),
  z.literal('clusterconfig'),
]);

/** `ApprovalRequest`. */
export const ApprovalRequest = z.object({
  acct_id: z.string(),
  approvers: z.array(ReviewerPrincipal),
  body: z.optional(z.unknown()),
  created_at: z.string(),
  denial_reason: z.optional(z.nullable(z.string())),
  denier: z.optional(ReviewerPrincipal),
  description: z.optional(z.nullable(z.string())),
  expiry: z.string(),
  method: z.string(),
  operation: z.string(),
  request_id: z.string(),
  requester: Principal,
  result_viewed: z.boolean(),
  reviewers: z.optional(z.nullable(z.array(Reviewer))),
  status: z.enum(['PENDING', 'APPROVED', 'DENIED', 'FAILED']),
  subjects: z.optional(z.nullable(z.array(ApprovalSubject))),
});

/** `ApprovalRequestRequest`: the body of `CreateApprovalRequest`. */
export const ApprovalRequestRequest = z.strictObject({
  body: z.optional(z.unknown()),
  description: z.optional(z.nullable(z.string())),
  method: z.optional(z.nullable(z.string())),
  operation: z.optional(z.nullable(z.string())),
});

/** `ApproveRequest` as sent (the legacy `u2f` field is left out: U2F is deprecated). */
export const ApproveRequestBody = z.strictObject({
  password: z.optional(NonEmptySecret),
  fido2_auth_request: z.optional(Fido2AssertionResult),
  body: z.optional(z.unknown()),
});

/** `DenyRequest`. */
export const DenyRequestBody = z.strictObject({ reason: z.optional(z.nullable(z.string())) });

export type ApprovalRequest = z.infer<typeof ApprovalRequest>;
export type ApprovalRequestRequest = z.input<typeof ApprovalRequestRequest>;
export type ApprovalStatus = ApprovalRequest['status'];

/**
 * Approval requests: CreateApprovalRequest, GetApprovalRequest, MfaChallenge, ApproveRequest,
 * DenyRequest. Using the FIDO2 device here needs the 2FA configuration locked; approving with a
 * password works in either state.
 */
import { requestOptions, verifyAssertion } from '../fido2.js';
import { requireFido2Protocol, requireLocked, requireSession, requireUser } from '../guards.js';
import { fail, jsonResponse, readObject } from '../http.js';
import { messages } from '../messages.js';
import { isUuid } from '../resolveOptions.js';
import type { ApprovalRecord, EmulatorState, ReviewerRecord, UserRecord } from '../state.js';
import { approvalView } from '../views.js';
import { type RouteContext, serve } from './context.js';

function optionalText(body: Record<string, unknown>, field: string): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null || typeof value === 'string') return value;
  fail(400, `${field} must be a string or null.`);
}

function approvalOf(state: EmulatorState, requestId: string): ApprovalRecord {
  const record = isUuid(requestId) ? state.approval(requestId) : undefined;
  if (!record) fail(404, messages.approvalNotFound);
  return record;
}

function reviewerOf(record: ApprovalRecord, user: UserRecord): ReviewerRecord {
  const reviewer = record.reviewers.find((r) => r.userId === user.userId);
  if (!reviewer) fail(403, messages.notReviewer);
  return reviewer;
}

function requirePending(state: EmulatorState, record: ApprovalRecord): void {
  if (record.status !== 'PENDING') fail(409, messages.approvalNotPending);
  if (state.now() >= record.expiresAt) fail(409, messages.approvalExpired);
}

export function registerApprovalRoutes({ app, state, fido2 }: RouteContext): void {
  serve(app, 'CreateApprovalRequest', async (c) => {
    const session = requireSession(c, state);
    const body = await readObject(c, 'ApprovalRequestRequest');
    const { principal } = session;
    // Quorum policy, emulated: every user reviews, under the `approvalPolicy` option.
    const { requires2fa, requiresPassword } = state.options.approvalPolicy;
    const record = state.createApproval({
      requester:
        principal.kind === 'user' ? { user: principal.user.userId } : { app: principal.app.appId },
      reviewers: [...state.users.values()].map((u) => ({
        userId: u.userId,
        requires2fa,
        requiresPassword,
      })),
      operation: optionalText(body, 'operation'),
      method: optionalText(body, 'method'),
      description: optionalText(body, 'description'),
      body: body.body ?? undefined,
    });
    return jsonResponse(approvalView(record, state.options.accountId));
  });

  serve(app, 'GetApprovalRequest', (c) => {
    requireSession(c, state);
    const record = approvalOf(state, c.req.param('req_id'));
    return jsonResponse(approvalView(record, state.options.accountId));
  });

  serve(app, 'MfaChallenge', (c) => {
    const session = requireSession(c, state);
    const user = requireUser(session);
    const record = approvalOf(state, c.req.param('req_id'));
    reviewerOf(record, user);
    requireFido2Protocol(c);
    requireLocked(state, session);
    requirePending(state, record);
    if (user.devices.length === 0) fail(400, messages.noDevices);
    const issued = state.issueChallenge();
    session.approvalChallenges.set(record.requestId, issued);
    return jsonResponse(requestOptions(user.devices, issued.challenge, fido2));
  });

  serve(app, 'ApproveRequest', async (c) => {
    const session = requireSession(c, state);
    const user = requireUser(session);
    const record = approvalOf(state, c.req.param('req_id'));
    const reviewer = reviewerOf(record, user);
    const body = await readObject(c, 'ApproveRequest');
    if (body.u2f !== undefined && body.u2f !== null) fail(400, messages.u2fDeprecated);
    const assertion = body.fido2_auth_request ?? undefined;
    const password = body.password;
    if (password !== undefined && typeof password !== 'string')
      fail(400, 'password must be a string.');
    if (reviewer.requires2fa && assertion === undefined) {
      fail(
        400,
        'This approval needs a FIDO2 assertion (fido2_auth_request): get a challenge from POST /sys/v1/approval_requests/{id}/challenge?protocol=fido2.',
      );
    }
    if (reviewer.requiresPassword && password === undefined) {
      fail(400, "This approval needs the reviewer's password.");
    }
    if (assertion !== undefined) requireLocked(state, session);
    requirePending(state, record);
    if (password !== undefined) {
      const check = state.checkPassword(user, password);
      if (!check.ok && check.reason === 'rateLimited') {
        fail(429, messages.rateLimited, { 'retry-after': String(check.retryAfterS) });
      }
      if (!check.ok) fail(state.options.wrongPasswordStatus, messages.invalidPassword);
    }
    if (assertion !== undefined) {
      const issued = session.approvalChallenges.get(record.requestId);
      if (!issued) fail(400, messages.noApprovalChallenge);
      if (!state.isFresh(issued)) fail(400, messages.challengeExpired);
      const result = await verifyAssertion(assertion, issued.challenge, user.devices, fido2);
      if (!result.ok) fail(400, result.message);
      // The configuration may have been unlocked while the assertion was being verified.
      requireLocked(state, session);
      requirePending(state, record);
      result.value.device.counter = result.value.newCounter;
      session.approvalChallenges.delete(record.requestId);
    }
    record.status = 'APPROVED';
    record.approvers.push(user.userId);
    return jsonResponse(approvalView(record, state.options.accountId));
  });

  serve(app, 'DenyRequest', async (c) => {
    const session = requireSession(c, state);
    const user = requireUser(session);
    const record = approvalOf(state, c.req.param('req_id'));
    reviewerOf(record, user);
    const body = await readObject(c, 'DenyRequest');
    const reason = optionalText(body, 'reason');
    requirePending(state, record);
    record.status = 'DENIED';
    record.denier = user.userId;
    if (typeof reason === 'string') record.denialReason = reason;
    return jsonResponse(approvalView(record, state.options.accountId));
  });
}

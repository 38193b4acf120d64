/**
 * Sign-in's data core: accounts, roles, passwords, the second factor, sessions, throttling and
 * password reset (docs/accounts.md). No SvelteKit import: the command line and tests use it
 * directly, and the web layer (hooks, pages) calls it with the server's warehouse.
 *
 * Typical sign-in, in the web layer:
 *   1. authenticate(warehouse, email, password, address)          → ok | invalid | throttled
 *   2. createSession(warehouse, user.userId, { address, userAgent, secondFactorOk: !secondFactor.required })
 *      → set the token in an HttpOnly, Secure, SameSite cookie
 *   3. if secondFactor.required: enrolled ? verifySecondFactor(…) : enrolSecondFactor(…) (after
 *      generateTotpSecret + totpUri); on ok, markSecondFactor(warehouse, token)
 *   4. every request: validateSession(warehouse, token) → { user, session, secondFactorPending,
 *      unsuppressed } or null; then can(user.role, permission)
 * Each module's header documents its functions.
 */
export * from './roles.ts';
export * from './passwords.ts';
export * from './throttle.ts';
export * from './accounts.ts';
export * from './totp.ts';
export * from './sessions.ts';
export * from './reset.ts';
export { newToken, hashToken, systemClock, type Clock } from './tokens.ts';

/**
 * Paved for AI assistants: the portal's docs, a service's briefing and the
 * golden-path guardrails, as actions an MCP client calls with its user's
 * credentials.
 *
 * @packageDocumentation
 */
export { assistantPlugin as default } from './plugin';

/**
 * What Paved's golden-path backends share: the guardrails a rendered
 * golden path, a pull request or an assistant's change must pass (the
 * scaffolder's goldenpath:validate, the assistant's validate-change and
 * the templates' checks all run these), and test fixtures of a clean
 * workspace under `@paved/plugin-golden-path-node/testUtils`.
 *
 * @packageDocumentation
 */
export * from './guardrails';

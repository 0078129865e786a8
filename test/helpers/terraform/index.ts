/**
 * The Terraform workspace helper every end-to-end test uses (test/e2e): the binary (binary.ts), one working
 * directory driving it (workspace.ts), what Terraform writes as JSON (json.ts) and prints as diagnostics
 * (diagnostics.ts), and stories of plan, apply and convergence (stories.ts). The provider layers build on it:
 * test/helpers/keyplane.ts and test/helpers/conformance.ts.
 */
export * from './binary';
export * from './diagnostics';
export * from './json';
export * from './stories';
export * from './workspace';

/**
 * Which Jest project runs the current test file (jest.config.js sets KEYPLANE_TEST_PROJECT per project):
 * `unit` runs from sources with neither the build, terraform nor a PostgreSQL server; `postgres` runs the
 * PostgreSQL parts of the files that call describePostgres; `e2e` runs what needs the build. Undefined when a
 * file runs outside these projects (all of a file then runs).
 */
export type TestProject = 'unit' | 'postgres' | 'e2e';

export function testProject(): TestProject | undefined {
  return (globalThis as { KEYPLANE_TEST_PROJECT?: TestProject }).KEYPLANE_TEST_PROJECT;
}

/**
 * Fails a test of the unit project that reaches for what only the build (or terraform) provides: the unit
 * project must not run stale dist/ code, nor wait for a build. Such a test belongs in the e2e project.
 */
export function requireBuildProject(what: string): void {
  if (testProject() === 'unit') {
    throw new Error(
      `${what} needs \`npm run build\`, which the unit project does not run: list this test file in NEEDS_BUILD in jest.config.js (the e2e project)`,
    );
  }
}

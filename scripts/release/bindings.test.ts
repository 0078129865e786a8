import { packedProblems } from './bindings';

describe('packedProblems', () => {
  const files = [{ path: 'package.json' }, { path: 'lib/index.js' }, { path: 'lib/index.d.ts' }];
  const peers = { cdktn: '^0.24.0', constructs: '>=10.6.0 <10.8.0' };

  test('a package whose cdktn and constructs are peers only, with nothing bundled, is fine', () => {
    expect(packedProblems({ filename: 'x.tgz', files, bundled: [] }, { name: '@keyplane/cdktn', peerDependencies: peers })).toEqual([]);
  });

  test('a peer also among the dependencies, bundled dependencies, a node_modules folder, or constructs not a peer', () => {
    expect(packedProblems({ filename: 'x.tgz', files, bundled: [] }, { peerDependencies: peers, dependencies: { constructs: '10.7.0' } })).toEqual([
      'constructs is a dependency, not only a peer',
    ]);
    expect(
      packedProblems(
        { filename: 'x.tgz', files: [...files, { path: 'node_modules/constructs/package.json' }], bundled: ['constructs'] },
        { peerDependencies: peers },
      ),
    ).toEqual(['it bundles dependencies (constructs)', 'it holds node_modules/constructs/package.json']);
    expect(packedProblems({ filename: 'x.tgz', files, bundled: [] }, { peerDependencies: { cdktn: '^0.24.0' }, bundleDependencies: ['x'] })).toEqual([
      'constructs is not a peer dependency',
      'it bundles dependencies (bundleDependencies)',
    ]);
  });
});

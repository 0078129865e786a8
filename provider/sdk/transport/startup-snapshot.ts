/**
 * @module transport/startup-snapshot
 * A provider's entry run either as usual or to build a V8 startup snapshot, which a single executable
 * application made with `useSnapshot` starts from (scripts/release/sea.ts): the bundle's top level has run and
 * the wire codecs are generated (descriptor.ts prepareCodecs), so a process starts there. What the snapshot
 * holds is what ran while building it, so `main`, which reads the environment, the arguments and opens the
 * listener, runs only in the process started from it. gRPC stays out: node:http2 (and node:http) hold native
 * state V8 cannot serialize (building fails with "CheckGlobalAndEternalHandles failed"). The provider's own
 * modules stay out too: loaded into it (with node:http required lazily) they saved about 10 ms more per
 * start, but two builds then differed in a few bytes.
 */
import { startupSnapshot } from 'node:v8';

/** Runs `main` now, or, while a snapshot is being built, prepares what is safe to keep and runs `main` from the snapshot. */
export function startOrSnapshot(main: () => void): void {
  if (!startupSnapshot?.isBuildingSnapshot()) {
    main();
    return;
  }
  (require('./descriptor') as typeof import('./descriptor')).prepareCodecs();
  // Node keeps the building process's pid in the snapshot (and sets the real one at start): a fixed value
  // keeps two builds byte-identical.
  startupSnapshot.addSerializeCallback(() => Object.defineProperty(process, 'pid', { value: 0, enumerable: true, configurable: true }));
  startupSnapshot.setDeserializeMainFunction(main);
}

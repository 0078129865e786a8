/**
 * Preloaded into a process (`NODE_OPTIONS=--require dist/bench/cpu-prof-preload.js`) to write a V8 CPU
 * profile of it into $KEYPLANE_BENCH_CPU_PROF_DIR when it exits: what `node --cpu-prof` does, for processes
 * started by another program (Terraform's provider processes), since Node refuses --cpu-prof in NODE_OPTIONS.
 * Writes nothing on stdout (the provider's handshake line must come first there).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.KEYPLANE_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  // The in-process session answers synchronously, so stopping inside the 'exit' handler still writes.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `provider-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

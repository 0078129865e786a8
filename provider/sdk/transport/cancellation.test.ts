import { Cancellation } from './cancellation';

describe('Cancellation', () => {
  it('aborts a signal asked for before the cancel, with the reason, and runs listeners once', () => {
    const c = new Cancellation();
    const signal = c.signal;
    const heard: unknown[] = [];
    c.onCancel((r) => heard.push(r));
    expect(signal.aborted).toBe(false);
    expect(c.cancelled).toBe(false);
    c.cancel('first');
    c.cancel('second');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('first');
    expect(heard).toEqual(['first']);
    expect(c.cancelled).toBe(true);
  });

  it('gives an already aborted signal when first asked after the cancel, and runs late listeners at once', () => {
    const c = new Cancellation();
    c.cancel(new Error('stop'));
    expect(c.signal.aborted).toBe(true);
    expect((c.signal.reason as Error).message).toBe('stop');
    const heard: unknown[] = [];
    c.onCancel((r) => heard.push((r as Error).message));
    expect(heard).toEqual(['stop']);
  });

  it('hands out one signal', () => {
    const c = new Cancellation();
    expect(c.signal).toBe(c.signal);
  });
});

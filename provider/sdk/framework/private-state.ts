/**
 * @module framework/private-state
 * Private state: bytes Terraform stores per instance (base64 in the state file, never shown) and hands back
 * on the next plan, apply and read. We keep it as a JSON object of keys, so the framework and the resource
 * can each keep their own entries. Flow (docs/sdk/plugin-protocol.md#private-state): apply → read and plan; plan → apply; import → read.
 */

export class PrivateState {
  private entries: Record<string, unknown>;
  private changed = false;

  private constructor(entries: Record<string, unknown>) {
    this.entries = entries;
  }

  /** Bytes from Terraform; empty or absent means no entries. Bytes that are not ours start empty. */
  static fromBytes(bytes: Uint8Array | undefined): PrivateState {
    if (!bytes || bytes.length === 0) return new PrivateState({});
    try {
      const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return new PrivateState(parsed as Record<string, unknown>);
    } catch {
      // Not ours (another SDK wrote it before a migration): start afresh rather than fail the run.
    }
    return new PrivateState({});
  }

  static empty(): PrivateState {
    return new PrivateState({});
  }

  get<T = unknown>(key: string): T | undefined {
    return this.entries[key] as T | undefined;
  }

  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.delete(key);
      return;
    }
    this.entries = { ...this.entries, [key]: JSON.parse(JSON.stringify(value)) as unknown };
    this.changed = true;
  }

  delete(key: string): void {
    if (!(key in this.entries)) return;
    const { [key]: _, ...rest } = this.entries;
    this.entries = rest;
    this.changed = true;
  }

  keys(): string[] {
    return Object.keys(this.entries);
  }

  get modified(): boolean {
    return this.changed;
  }

  clone(): PrivateState {
    return new PrivateState({ ...this.entries });
  }

  /** Empty bytes when there are no entries, so resources without private state store nothing. */
  toBytes(): Buffer {
    return Object.keys(this.entries).length === 0 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(this.entries), 'utf8');
  }
}

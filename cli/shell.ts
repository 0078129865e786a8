/**
 * Words for a POSIX shell, as the CLI and the quickstart print them for people to copy and as the provider
 * launcher runs them: bare when nothing in them is special to a shell (so printed paths read as typed), quoted
 * by shell-quote otherwise.
 * @module
 */
import { quote } from 'shell-quote';

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(word: string): string {
  return BARE.test(word) ? word : quote([word]);
}

/** Several words, each quoted as needed, separated by spaces. */
export function shellWords(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}

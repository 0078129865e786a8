export type { Validator, ValidatorRequest } from './validator';
export { stringLength } from './string-length';
export { oneOf } from './one-of';
export { matchesRegex } from './matches-regex';
export { rfc3339, parseRFC3339 } from './rfc3339';
export { cidr } from './cidr';
export { conflictsWith, alsoRequires } from './conflicts-with';

import SqliteDatabase from 'better-sqlite3';
import { cachingStatements } from './statement-cache';

function db() {
  const raw = new SqliteDatabase(':memory:');
  raw.exec('create table t (id integer primary key, v text)');
  return raw;
}

test('a text is prepared once and its statement gives each run its own answer', () => {
  const raw = db();
  const spy = jest.spyOn(raw, 'prepare');
  const c = cachingStatements(raw);
  c.prepare('insert into t (v) values (?)').run(['a']);
  c.prepare('insert into t (v) values (?)').run(['b']);
  expect(c.prepare('select v from t where v = ?').all(['a'])).toEqual([{ v: 'a' }]);
  expect(c.prepare('select v from t where v = ?').all(['b'])).toEqual([{ v: 'b' }]);
  expect(spy).toHaveBeenCalledTimes(2);
  c.close();
  expect(raw.open).toBe(false);
});

test('a statement still iterating is not handed out again: the second caller gets a fresh one', () => {
  const raw = db();
  raw.exec("insert into t (v) values ('a'), ('b')");
  const c = cachingStatements(raw);
  const sql = 'select v from t order by v';
  const open = c.prepare(sql).iterate([]);
  expect(open.next().value).toEqual({ v: 'a' });
  expect(c.prepare(sql).all([])).toEqual([{ v: 'a' }, { v: 'b' }]);
  expect(open.next().value).toEqual({ v: 'b' });
  expect(open.next().done).toBe(true);
  c.close();
});

test('past the limit the least recently used text is dropped', () => {
  const raw = db();
  const spy = jest.spyOn(raw, 'prepare');
  const c = cachingStatements(raw, 2);
  c.prepare('select 1');
  c.prepare('select 2');
  c.prepare('select 1'); // used again: select 2 is now the oldest
  c.prepare('select 3');
  expect(spy).toHaveBeenCalledTimes(3);
  c.prepare('select 1');
  expect(spy).toHaveBeenCalledTimes(3);
  c.prepare('select 2');
  expect(spy).toHaveBeenCalledTimes(4);
  c.close();
});
